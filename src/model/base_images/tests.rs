use super::*;
use std::collections::HashSet;

fn known(r: &str) -> &'static BaseImage {
    match lookup(r) {
        Lookup::Known(b) => b,
        other => panic!("{r}: expected Known, got {other:?}"),
    }
}

fn family(r: &str) -> ShellKind {
    match lookup(r) {
        Lookup::Family { shell, reason } => {
            assert!(!reason.is_empty());
            shell
        }
        other => panic!("{r}: expected Family, got {other:?}"),
    }
}

fn unknown(r: &str) {
    match lookup(r) {
        Lookup::Unknown => {}
        other => panic!("{r}: expected Unknown, got {other:?}"),
    }
}

fn argv(v: Option<Vec<&str>>) -> Option<Vec<String>> {
    v.map(|v| v.into_iter().map(String::from).collect())
}

#[allow(clippy::too_many_arguments)]
fn check_row(
    r: &str,
    image: &str,
    variant: &str,
    shell: ShellKind,
    entrypoint: Option<Vec<&str>>,
    cmd: Option<Vec<&str>>,
    stopsignal: Option<&str>,
) {
    let b = known(r);
    assert_eq!((b.image, b.variant), (image, variant), "{r}");
    assert_eq!(b.shell, shell, "{r}: shell");
    assert_eq!(b.entrypoint, argv(entrypoint), "{r}: entrypoint");
    assert_eq!(b.cmd, argv(cmd), "{r}: cmd");
    assert_eq!(b.stopsignal.as_deref(), stopsignal, "{r}: stopsignal");
    let (sh, why) = shell_of(r);
    assert_eq!(sh, shell, "{r}: shell_of");
    assert!(why.starts_with(r), "{r}: reason {why:?}");
}

/// One test per table row: a representative tag and the row's facts,
/// restated here so that a typo in the data file fails a test.
macro_rules! row_tests {
    ($($test:ident: $r:literal => $image:literal / $variant:literal,
        $shell:ident, $ep:expr, $cmd:expr, $sig:expr;)*) => {
        $(
            #[test]
            fn $test() {
                check_row($r, $image, $variant, ShellKind::$shell, $ep, $cmd, $sig);
            }
        )*
        const ROW_CASES: &[(&str, &str)] = &[$(($image, $variant)),*];
    };
}

const DEP: &str = "docker-entrypoint.sh";
const PHP: &str = "docker-php-entrypoint";
const TEM: &str = "/__cacert_entrypoint.sh";
const NGX: [&str; 3] = ["nginx", "-g", "daemon off;"];
const HAP: [&str; 3] = ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"];
const CADDY: [&str; 6] = [
    "caddy",
    "run",
    "--config",
    "/etc/caddy/Caddyfile",
    "--adapter",
    "caddyfile",
];
const JDEB: [&str; 3] = ["/usr/bin/tini", "--", "/usr/local/bin/jenkins.sh"];
const JSBIN: [&str; 3] = ["/sbin/tini", "--", "/usr/local/bin/jenkins.sh"];
const GHOST: [&str; 2] = ["node", "current/index.js"];

row_tests! {
    row_alpine: "alpine:3.20" => "alpine" / "default", Busybox, None, Some(vec!["/bin/sh"]), None;
    row_debian_slim: "debian:bookworm-slim" => "debian" / "slim", Dash, Some(vec![]), Some(vec!["bash"]), None;
    row_debian: "debian:12" => "debian" / "default", Dash, Some(vec![]), Some(vec!["bash"]), None;
    row_ubuntu: "ubuntu:24.04" => "ubuntu" / "default", Dash, None, Some(vec!["/bin/bash"]), None;
    row_busybox: "busybox:1.36-musl" => "busybox" / "default", Busybox, None, Some(vec!["sh"]), None;
    row_scratch: "scratch" => "scratch" / "default", None, None, None, None;
    row_buildpack_ubuntu: "buildpack-deps:noble-scm" => "buildpack-deps" / "ubuntu", Dash, None, Some(vec!["/bin/bash"]), None;
    row_buildpack: "buildpack-deps:trixie-curl" => "buildpack-deps" / "default", Dash, None, Some(vec!["bash"]), None;
    row_node_alpine: "node:20-alpine3.20" => "node" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["node"]), None;
    row_node_slim: "node:22-bookworm-slim" => "node" / "slim", Dash, Some(vec![DEP]), Some(vec!["node"]), None;
    row_node: "node:22" => "node" / "default", Dash, Some(vec![DEP]), Some(vec!["node"]), None;
    row_python_alpine: "python:3.12-alpine" => "python" / "alpine", Busybox, None, Some(vec!["python3"]), None;
    row_python_slim: "python:3.12-slim-bookworm" => "python" / "slim", Dash, None, Some(vec!["python3"]), None;
    row_python_windows: "python:3.14-windowsservercore-ltsc2025" => "python" / "windowsservercore", None, None, Some(vec!["python"]), None;
    row_python: "python:3.12" => "python" / "default", Dash, None, Some(vec!["python3"]), None;
    row_ruby_alpine: "ruby:3.3-alpine3.20" => "ruby" / "alpine", Busybox, None, Some(vec!["irb"]), None;
    row_ruby_slim: "ruby:3.3-slim" => "ruby" / "slim", Dash, None, Some(vec!["irb"]), None;
    row_ruby: "ruby:3.3-bookworm" => "ruby" / "default", Dash, None, Some(vec!["irb"]), None;
    row_golang_alpine: "golang:1.23-alpine" => "golang" / "alpine", Busybox, None, Some(vec!["/bin/sh"]), None;
    row_golang_windows: "golang:1.23-nanoserver-ltsc2022" => "golang" / "windows", None, None, None, None;
    row_golang: "golang:1.23" => "golang" / "default", Dash, None, Some(vec!["bash"]), None;
    row_pypy_windows: "pypy:3.10-windowsservercore" => "pypy" / "windowsservercore", None, None, Some(vec!["pypy"]), None;
    row_pypy_slim: "pypy:3.10-slim" => "pypy" / "slim", Dash, None, Some(vec!["pypy3"]), None;
    row_pypy_27: "pypy:2.7-bookworm" => "pypy" / "2.7", Dash, None, Some(vec!["pypy"]), None;
    row_pypy: "pypy:3" => "pypy" / "default", Dash, None, Some(vec!["pypy3"]), None;
    row_julia_windows: "julia:1.11-windowsservercore-ltsc2022" => "julia" / "windowsservercore", None, None, Some(vec!["julia"]), None;
    row_julia: "julia:1.11" => "julia" / "default", Dash, Some(vec![DEP]), Some(vec!["julia"]), None;
    row_openjdk_windows: "openjdk:27-ea-windowsservercore" => "openjdk" / "windows", None, None, Some(vec!["jshell"]), None;
    row_openjdk_slim: "openjdk:27-ea-slim-trixie" => "openjdk" / "slim", Dash, None, Some(vec!["jshell"]), None;
    row_openjdk_debian: "openjdk:27-ea-trixie" => "openjdk" / "debian", Dash, None, Some(vec!["jshell"]), None;
    row_openjdk: "openjdk:27-ea" => "openjdk" / "oraclelinux", Bash, None, Some(vec!["jshell"]), None;
    row_temurin_windows: "eclipse-temurin:21-windowsservercore" => "eclipse-temurin" / "windows", None, None, Some(vec!["jshell"]), None;
    row_temurin_alpine_jre: "eclipse-temurin:21-jre-alpine" => "eclipse-temurin" / "alpine-jre", Busybox, Some(vec![TEM]), None, None;
    row_temurin_alpine: "eclipse-temurin:21-jdk-alpine" => "eclipse-temurin" / "alpine", Busybox, Some(vec![TEM]), Some(vec!["jshell"]), None;
    row_temurin_ubi_jre: "eclipse-temurin:25-jre-ubi10-minimal" => "eclipse-temurin" / "ubi-jre", Bash, Some(vec![TEM]), None, None;
    row_temurin_ubi: "eclipse-temurin:25-ubi10-minimal" => "eclipse-temurin" / "ubi", Bash, Some(vec![TEM]), Some(vec!["jshell"]), None;
    row_temurin_jre: "eclipse-temurin:21-jre-jammy" => "eclipse-temurin" / "jre", Dash, Some(vec![TEM]), None, None;
    row_temurin: "eclipse-temurin:21" => "eclipse-temurin" / "default", Dash, Some(vec![TEM]), Some(vec!["jshell"]), None;
    row_php_fpm_alpine: "php:8.3-fpm-alpine" => "php" / "fpm-alpine", Busybox, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
    row_php_alpine: "php:8.3-zts-alpine3.20" => "php" / "alpine", Busybox, Some(vec![PHP]), Some(vec!["php", "-a"]), None;
    row_php_apache: "php:8.3-apache-bookworm" => "php" / "apache", Dash, Some(vec![PHP]), Some(vec!["apache2-foreground"]), Some("SIGWINCH");
    row_php_fpm: "php:8.3-fpm" => "php" / "fpm", Dash, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
    row_php_zts: "php:8.3-zts-bookworm" => "php" / "zts", Dash, Some(vec![PHP]), Some(vec!["php", "-a"]), None;
    row_php_cli: "php:8.3-cli" => "php" / "cli", Dash, Some(vec![PHP]), Some(vec!["php", "-a"]), None;
    row_wordpress_cli: "wordpress:cli-php8.3" => "wordpress" / "cli", Busybox, Some(vec![DEP]), Some(vec!["wp", "shell"]), None;
    row_wordpress_fpm_alpine: "wordpress:6-php8.3-fpm-alpine" => "wordpress" / "fpm-alpine", Busybox, Some(vec![DEP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
    row_wordpress_fpm: "wordpress:fpm" => "wordpress" / "fpm", Dash, Some(vec![DEP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
    row_wordpress: "wordpress" => "wordpress" / "apache", Dash, Some(vec![DEP]), Some(vec!["apache2-foreground"]), Some("SIGWINCH");
    row_drupal_fpm_alpine: "drupal:11-fpm-alpine" => "drupal" / "fpm-alpine", Busybox, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
    row_drupal_fpm: "drupal:11-php8.3-fpm-bookworm" => "drupal" / "fpm", Dash, Some(vec![PHP]), Some(vec!["php-fpm"]), Some("SIGQUIT");
    row_drupal: "drupal:11-apache-trixie" => "drupal" / "apache", Dash, Some(vec![PHP]), Some(vec!["apache2-foreground"]), Some("SIGWINCH");
    row_nginx_alpine: "nginx:1.27-alpine-slim" => "nginx" / "alpine", Busybox, Some(vec!["/docker-entrypoint.sh"]), Some(NGX.to_vec()), Some("SIGQUIT");
    row_nginx: "nginx:stable-perl" => "nginx" / "default", Dash, Some(vec!["/docker-entrypoint.sh"]), Some(NGX.to_vec()), Some("SIGQUIT");
    row_httpd_alpine: "httpd:2.4-alpine" => "httpd" / "alpine", Busybox, None, Some(vec!["httpd-foreground"]), Some("SIGWINCH");
    row_httpd: "httpd:2.4" => "httpd" / "default", Dash, None, Some(vec!["httpd-foreground"]), Some("SIGWINCH");
    row_caddy_builder: "caddy:2.8-builder-alpine" => "caddy" / "builder", Busybox, None, Some(vec!["/bin/sh"]), None;
    row_caddy_windows: "caddy:2-windowsservercore-ltsc2022" => "caddy" / "windows", None, None, Some(CADDY.to_vec()), None;
    row_caddy: "caddy:2.8" => "caddy" / "default", Busybox, None, Some(CADDY.to_vec()), None;
    row_traefik_windows: "traefik:v3.1-windowsservercore-ltsc2022" => "traefik" / "windows", None, Some(vec!["/traefik"]), None, None;
    row_traefik: "traefik:v3.1" => "traefik" / "default", Busybox, Some(vec!["/entrypoint.sh"]), Some(vec!["traefik"]), None;
    row_haproxy_alpine: "haproxy:3.0-alpine" => "haproxy" / "alpine", Busybox, Some(vec![DEP]), Some(HAP.to_vec()), Some("SIGUSR1");
    row_haproxy: "haproxy:lts" => "haproxy" / "default", Dash, Some(vec![DEP]), Some(HAP.to_vec()), Some("SIGUSR1");
    row_memcached_alpine: "memcached:1-alpine" => "memcached" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["memcached"]), None;
    row_memcached: "memcached:1.6" => "memcached" / "default", Dash, Some(vec![DEP]), Some(vec!["memcached"]), None;
    row_postgres_alpine: "postgres:16-alpine" => "postgres" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["postgres"]), Some("SIGINT");
    row_postgres: "postgres:16" => "postgres" / "default", Dash, Some(vec![DEP]), Some(vec!["postgres"]), Some("SIGINT");
    row_mysql: "mysql:8.4" => "mysql" / "default", Bash, Some(vec![DEP]), Some(vec!["mysqld"]), None;
    row_mariadb_ubi: "mariadb:11.4-ubi9" => "mariadb" / "ubi", Bash, Some(vec![DEP]), Some(vec!["mariadbd"]), None;
    row_mariadb: "mariadb:lts" => "mariadb" / "default", Dash, Some(vec![DEP]), Some(vec!["mariadbd"]), None;
    row_mongo_windows: "mongo:8.0-windowsservercore" => "mongo" / "windows", None, None, Some(vec!["mongod", "--bind_ip_all"]), None;
    row_mongo: "mongo:7.0-jammy" => "mongo" / "default", Dash, Some(vec![DEP]), Some(vec!["mongod"]), None;
    row_redis_legacy_alpine: "redis:7.2-alpine" => "redis" / "legacy-alpine", Busybox, Some(vec![DEP]), Some(vec!["redis-server"]), None;
    row_redis_legacy: "redis:6.2" => "redis" / "legacy", Dash, Some(vec![DEP]), Some(vec!["redis-server"]), None;
    row_redis_alpine: "redis:8-alpine" => "redis" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["redis-server"]), None;
    row_redis: "redis:8.2-bookworm" => "redis" / "default", Dash, Some(vec![DEP]), Some(vec!["redis-server"]), None;
    row_rabbitmq_alpine: "rabbitmq:4-management-alpine" => "rabbitmq" / "alpine", Busybox, Some(vec![DEP]), Some(vec!["rabbitmq-server"]), None;
    row_rabbitmq: "rabbitmq:4-management" => "rabbitmq" / "default", Dash, Some(vec![DEP]), Some(vec!["rabbitmq-server"]), None;
    row_cassandra: "cassandra:5" => "cassandra" / "default", Dash, Some(vec![DEP]), Some(vec!["cassandra", "-f"]), None;
    row_docker_windows: "docker:windowsservercore-ltsc2022" => "docker" / "windows", None, None, None, None;
    row_docker_rootless: "docker:29-dind-rootless" => "docker" / "dind-rootless", Busybox, Some(vec!["dockerd-entrypoint.sh"]), Some(vec![]), None;
    row_docker_cli: "docker:29-cli" => "docker" / "cli", Busybox, Some(vec![DEP]), Some(vec!["sh"]), None;
    row_docker_dind: "docker:29" => "docker" / "dind", Busybox, Some(vec!["dockerd-entrypoint.sh"]), Some(vec![]), None;
    row_ghost_alpine: "ghost:5-alpine" => "ghost" / "alpine", Busybox, Some(vec![DEP]), Some(GHOST.to_vec()), None;
    row_ghost: "ghost:6" => "ghost" / "default", Dash, Some(vec![DEP]), Some(GHOST.to_vec()), None;
    row_jenkins_windows: "jenkins/jenkins:jdk21-hotspot-windowsservercore-ltsc2022" => "jenkins/jenkins" / "windows", None, Some(vec!["powershell.exe", "-f", "C:/ProgramData/Jenkins/jenkins.ps1"]), None, None;
    row_jenkins_rhel: "jenkins/jenkins:rhel-ubi9-jdk21" => "jenkins/jenkins" / "rhel", Bash, Some(JSBIN.to_vec()), None, None;
    row_jenkins_alpine: "jenkins/jenkins:lts-alpine" => "jenkins/jenkins" / "alpine", Busybox, Some(JSBIN.to_vec()), None, None;
    row_jenkins_slim: "jenkins/jenkins:lts-slim-jdk21" => "jenkins/jenkins" / "slim", Dash, Some(JDEB.to_vec()), None, None;
    row_jenkins: "jenkins/jenkins:lts-jdk21" => "jenkins/jenkins" / "default", Dash, Some(JDEB.to_vec()), None, None;
    row_tomcat: "tomcat:11.0-jdk21-temurin-noble" => "tomcat" / "default", Dash, Some(vec![]), Some(vec!["catalina.sh", "run"]), None;
    row_distroless_static_debug: "gcr.io/distroless/static-debian12:debug-nonroot" => "gcr.io/distroless/static" / "debug", None, Some(vec!["/busybox/sh"]), None, None;
    row_distroless_static: "gcr.io/distroless/static-debian12:nonroot" => "gcr.io/distroless/static" / "default", None, None, None, None;
    row_distroless_base_debug: "gcr.io/distroless/base-nossl-debian12:debug" => "gcr.io/distroless/base" / "debug", None, Some(vec!["/busybox/sh"]), None, None;
    row_distroless_base: "gcr.io/distroless/cc-debian12" => "gcr.io/distroless/base" / "default", None, None, None, None;
    row_distroless_nodejs: "gcr.io/distroless/nodejs22-debian13:debug" => "gcr.io/distroless/nodejs22" / "default", None, Some(vec!["/nodejs/bin/node"]), None, None;
    row_distroless_python: "gcr.io/distroless/python3-debian13:nonroot" => "gcr.io/distroless/python3" / "default", None, Some(vec!["/usr/bin/python3.13"]), None, None;
    row_distroless_java: "gcr.io/distroless/java21-debian13" => "gcr.io/distroless/java17" / "default", None, Some(vec!["/usr/bin/java", "-jar"]), None, None;
    row_distroless_java_base_debug: "gcr.io/distroless/java-base-debian13:debug" => "gcr.io/distroless/java-base" / "debug", None, Some(vec!["/busybox/sh"]), None, None;
    row_distroless_java_base: "gcr.io/distroless/java-base" => "gcr.io/distroless/java-base" / "default", None, None, None, None;
}

// --- the data file

#[test]
fn data_file_parses() {
    let rows = table().as_ref().expect("base_images.tsv must parse");
    assert_eq!(rows.len(), 99);
}

#[test]
fn rows_read_by_image_are_the_tables_rows() {
    // a run reads only the rows of the images it meets: for every name,
    // they are the whole table's rows of that name, in the same order
    let rows = table().as_ref().unwrap();
    let mut names: Vec<&str> = rows.iter().flat_map(|r| r.names.iter().copied()).collect();
    names.sort_unstable();
    names.dedup();
    let mut seen = 0;
    for name in names {
        let want: Vec<String> = rows
            .iter()
            .filter(|r| r.names.contains(&name))
            .map(|r| format!("{:?} {:?}", r.info, r.matcher))
            .collect();
        let got: Vec<String> = image_rows(name)
            .unwrap()
            .iter()
            .map(|r| format!("{:?} {:?}", r.info, r.matcher))
            .collect();
        assert_eq!(got, want, "{name}");
        seen += got.len();
    }
    assert!(seen >= rows.len());
    assert!(image_rows("no-such-image").unwrap().is_empty());
}

#[test]
fn every_row_has_a_test() {
    let rows = table().as_ref().unwrap();
    let in_table: HashSet<(&str, &str)> = rows
        .iter()
        .map(|r| (r.info.image, r.info.variant))
        .collect();
    let tested: HashSet<(&str, &str)> = ROW_CASES.iter().copied().collect();
    assert_eq!(tested.len(), ROW_CASES.len(), "a row is tested twice");
    let untested: Vec<_> = in_table.difference(&tested).collect();
    assert!(untested.is_empty(), "rows without a test: {untested:?}");
    let stale: Vec<_> = tested.difference(&in_table).collect();
    assert!(stale.is_empty(), "tests of missing rows: {stale:?}");
}

#[test]
fn unknown_values_carry_a_note() {
    for row in table().as_ref().unwrap() {
        if row.cmd_unknown || row.entrypoint_unknown {
            assert!(!row.info.note.is_empty(), "{}", row.info.image);
            assert!(row.info.note.contains("not read"), "{}", row.info.image);
        }
    }
}

#[test]
fn rhel_convention_is_flagged_on_every_bash_row() {
    for row in table().as_ref().unwrap() {
        if row.info.shell == ShellKind::Bash {
            assert!(
                row.info.note.contains("not verified"),
                "{} {}",
                row.info.image,
                row.info.variant
            );
        }
    }
}

const HEAD: &str = "names\tvariant\tmatch\tdistro\tshell\tentrypoint\tcmd\tstopsignal\texecs\tinit\tsource\tnote\n";
const GOOD: &str = "x\tdefault\t*\talpine\tbusybox\t-\t[\"sh\"]\t-\tn.a.\t-\ta/b p@0123abcd\t-\n";

fn parse_with(body: &'static str) -> Result<Vec<Row>, String> {
    parse_table(body)
}

#[test]
fn minimal_table_parses() {
    let text: &'static str = Box::leak(format!("# c\n{HEAD}{GOOD}").into_boxed_str());
    let rows = parse_with(text).unwrap();
    assert_eq!(rows[0].info.cmd, Some(vec!["sh".to_string()]));
}

#[test]
fn malformed_rows_are_errors_not_panics() {
    let bad_rows = [
        // too few fields
        "x\tdefault\t*\talpine\tbusybox\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\n",
        // bad JSON
        "x\tdefault\t*\talpine\tbusybox\t[\"sh\"\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        "x\tdefault\t*\talpine\tbusybox\t[sh]\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        "x\tdefault\t*\talpine\tbusybox\t[\"a\",]\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        // unknown shell, distro, execs, signal
        "x\tdefault\t*\talpine\tzsh\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        "x\tdefault\t*\tgentoo\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        "x\tdefault\t*\talpine\tdash\t-\t-\t-\tmaybe\t-\ta/b p@0123abcd\t-\n",
        "x\tdefault\t*\talpine\tdash\t-\t-\tTERM\tn.a.\t-\ta/b p@0123abcd\t-\n",
        // bad matcher
        "x\tdefault\tslim\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        "x\tdefault\t*&~a\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        // no fallback row
        "x\tdefault\t~a\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        // bad citation
        "x\tdefault\t*\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123\t-\n",
        "x\tdefault\t*\talpine\tdash\t-\t-\t-\tn.a.\t-\tp@0123abcd\t-\n",
        // unknown value without a note
        "x\tdefault\t*\talpine\tdash\t-\t?\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
        // bad name
        "X:1\tdefault\t*\talpine\tdash\t-\t-\t-\tn.a.\t-\ta/b p@0123abcd\t-\n",
    ];
    for row in bad_rows {
        let text: &'static str = Box::leak(format!("{HEAD}{row}").into_boxed_str());
        assert!(parse_with(text).is_err(), "accepted: {row:?}");
    }
    // Missing header, split groups, duplicate variants.
    assert!(parse_with("x\tdefault\n").is_err());
    assert!(parse_with("").is_err());
    let split: &'static str =
        Box::leak(format!("{HEAD}{GOOD}{}{GOOD}", GOOD.replacen("x\t", "y\t", 1)).into_boxed_str());
    assert!(parse_with(split).is_err());
    let dup: &'static str =
        Box::leak(format!("{HEAD}{}{GOOD}", GOOD.replacen("\t*\t", "\t~a\t", 1)).into_boxed_str());
    assert!(parse_with(dup).is_err());
}

#[test]
fn json_arrays() {
    let p = parse_json_string_array;
    assert_eq!(p("[]").unwrap(), Vec::<String>::new());
    assert_eq!(p("[ ]").unwrap(), Vec::<String>::new());
    assert_eq!(
        p(r#"["nginx", "-g", "daemon off;"]"#).unwrap(),
        ["nginx", "-g", "daemon off;"]
    );
    assert_eq!(p(r#"["a\"b\\c\u0041"]"#).unwrap(), ["a\"b\\cA"]);
    assert!(p(r#"["a" "b"]"#).is_err());
    assert!(p(r#"["a"] x"#).is_err());
    assert!(p("-").is_err());
}

// --- reference parsing

fn parsed(r: &str) -> ImageRef {
    parse_ref(r).unwrap_or_else(|| panic!("{r} did not parse"))
}

#[test]
fn parse_plain_and_tagged() {
    let r = parsed("node");
    assert_eq!((r.registry, r.path), (None, Some("node".into())));
    assert_eq!(r.tag, Tag::literal("latest"));
    let r = parsed("node:20-alpine");
    assert_eq!(r.tag.concrete().as_deref(), Some("20-alpine"));
    let r = parsed("  node:20  AS build ");
    assert_eq!(r.tag.concrete().as_deref(), Some("20"));
}

#[test]
fn parse_digests() {
    let r = parsed("node:20-alpine@sha256:0123456789abcdef");
    assert_eq!(r.tag.concrete().as_deref(), Some("20-alpine"));
    let r = parsed("node@sha256:0123456789abcdef");
    assert_eq!(r.path.as_deref(), Some("node"));
    assert_eq!(r.tag.concrete(), None);
    assert_eq!(known("node:20-alpine@sha256:abc").variant, "alpine");
    // A digest alone does not say which variant.
    unknown("node@sha256:0123456789abcdef");
    assert_eq!(known("alpine@sha256:0123").image, "alpine");
    assert_eq!(known("debian@sha256:0123").image, "debian");
    assert_eq!(
        family("gcr.io/distroless/static-debian12@sha256:0123"),
        ShellKind::None
    );
}

#[test]
fn parse_registries_and_ports() {
    let r = parsed("localhost:5000/x:tag");
    assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
    assert_eq!(r.path.as_deref(), Some("x"));
    assert_eq!(r.tag.concrete().as_deref(), Some("tag"));
    let r = parsed("localhost:5000/x");
    assert_eq!(r.tag, Tag::literal("latest"));
    let r = parsed("localhost/x");
    assert_eq!(r.registry.as_deref(), Some("localhost"));
    let r = parsed("registry.example.com:443/team/app:1.2@sha256:00");
    assert_eq!(r.registry.as_deref(), Some("registry.example.com:443"));
    assert_eq!(r.path.as_deref(), Some("team/app"));
    assert_eq!(r.tag.concrete().as_deref(), Some("1.2"));
    unknown("localhost:5000/x:tag");
    // A namespace is not a registry.
    let r = parsed("jenkins/jenkins:lts");
    assert_eq!(r.registry, None);
    assert_eq!(r.path.as_deref(), Some("jenkins/jenkins"));
}

#[test]
fn docker_hub_prefixes_and_case() {
    for r in [
        "node:20-alpine",
        "library/node:20-alpine",
        "docker.io/node:20-alpine",
        "docker.io/library/node:20-alpine",
        "index.docker.io/library/node:20-alpine",
        "Docker.IO/Library/Node:20-Alpine",
    ] {
        let b = known(r);
        assert_eq!((b.image, b.variant), ("node", "alpine"), "{r}");
    }
    assert_eq!(
        known("docker.io/jenkins/jenkins:lts").image,
        "jenkins/jenkins"
    );
    assert_eq!(known("SCRATCH").image, "scratch");
    assert_eq!(known("docker.io/library/debian").variant, "default");
}

#[test]
fn variables_in_tags() {
    let r = parsed("node:${NODE_VERSION:-20}-alpine");
    assert_eq!(r.path.as_deref(), Some("node"));
    assert!(r.tag.visible_contains("alpine"));
    assert_eq!(known("node:${NODE_VERSION}-alpine").variant, "alpine");
    assert_eq!(known("node:${NODE_VERSION:-20}-alpine").variant, "alpine");
    assert_eq!(known("node:$NODE_VERSION-alpine").variant, "alpine");
    assert_eq!(known("node:${V}-alpine${ALPINE}").variant, "alpine");
    assert_eq!(known("python:${PY}-slim").variant, "slim");
    assert_eq!(known("node:${V}-bookworm").variant, "default");
    // Variants differ in shell: nothing can be said.
    unknown("python:$PY");
    unknown("node:${NODE_VERSION}");
    unknown("node:20-${VARIANT}");
    // A trailing variable may hide the distribution.
    unknown("eclipse-temurin:${V}-jdk-${DISTRO}");
    // Every variant shares the facts that matter.
    assert_eq!(known("debian:${DEBIAN_VERSION}").image, "debian");
    assert_eq!(known("mysql:$MYSQL_VERSION").image, "mysql");
    assert_eq!(known("cassandra:${V}").image, "cassandra");
    // Same shell, other facts differ.
    assert_eq!(family("buildpack-deps:${SUITE}"), ShellKind::Dash);
    assert_eq!(family("gcr.io/distroless/static:${TAG}"), ShellKind::None);
    // Visible alpine on an image without an Alpine row.
    assert_eq!(family("mysql:${V}-alpine"), ShellKind::Busybox);
    // Variables in the name.
    unknown("${BASE_IMAGE}");
    unknown("$BASE");
    assert_eq!(family("${BASE_IMAGE}:alpine"), ShellKind::Busybox);
    assert_eq!(family("${REGISTRY}/node:20"), ShellKind::Dash);
    assert_eq!(family("${REGISTRY}/node:20-alpine"), ShellKind::Busybox);
}

// --- family fallbacks

#[test]
fn family_debian_tags_old_openjdk_and_lookalikes() {
    assert_eq!(family("myorg/app:1.0-bookworm"), ShellKind::Dash);
    assert_eq!(family("ghcr.io/x/y:jammy"), ShellKind::Dash);
    assert_eq!(family("myorg/app:2-debian12-slim"), ShellKind::Dash);
    assert_eq!(family("myorg/app:ubuntu22.04"), ShellKind::Dash);
    assert_eq!(family("openjdk:8-jdk"), ShellKind::Dash);
    assert_eq!(family("openjdk:11-jre-slim"), ShellKind::Dash);
    assert_eq!(known("openjdk:27-ea").shell, ShellKind::Bash);
    // named like the official node image on another registry, but in
    // another namespace: not that image
    unknown("cgr.dev/chainguard/node");
    unknown("cgr.dev/chainguard/node:latest");
    assert_eq!(family("localhost:5000/node:20"), ShellKind::Dash);
    assert_eq!(family("mirror.gcr.io/library/node:20"), ShellKind::Dash);
    assert_eq!(
        family("public.ecr.aws/ubuntu/ubuntu:20.04"),
        ShellKind::Dash
    );
    assert_eq!(
        family("public.ecr.aws/docker/library/node:20-alpine"),
        ShellKind::Busybox
    );
}

#[test]
fn family_alpine_tags() {
    assert_eq!(family("myorg/app:1.0-alpine"), ShellKind::Busybox);
    assert_eq!(family("localhost:5000/x:alpine3.20"), ShellKind::Busybox);
    // Official images with no Alpine variant in the table.
    assert_eq!(family("mysql:8-alpine"), ShellKind::Busybox);
    assert_eq!(family("tomcat:11-alpine"), ShellKind::Busybox);
}

#[test]
fn family_mirrors_of_table_images() {
    assert_eq!(family("localhost:5000/alpine"), ShellKind::Busybox);
    assert_eq!(family("localhost:5000/alpine:3.20"), ShellKind::Busybox);
    assert_eq!(family("localhost:5000/debian:bookworm"), ShellKind::Dash);
    assert_eq!(
        family("mirror.gcr.io/library/ubuntu:24.04"),
        ShellKind::Dash
    );
    assert_eq!(family("localhost:5000/node:20"), ShellKind::Dash);
    assert_eq!(family("localhost:5000/node:20-alpine"), ShellKind::Busybox);
    // a namespace of its own on another registry: another image that
    // only shares the name (cgr.dev/chainguard/node)
    unknown("registry.example.com:443/team/python:3.12");
    unknown("ghcr.io/acme/mysql:8");
    assert_eq!(
        family("quay.io/x/jenkins/jenkins:lts-alpine"),
        ShellKind::Busybox
    );
    // another namespace on Docker Hub is another image
    unknown("bitnami/postgres:16");
    unknown("mycorp/node:20");
    unknown("localhost:5000/node:${V}");
}

#[test]
fn family_red_hat_names() {
    for r in [
        "registry.access.redhat.com/ubi9/ubi-minimal:9.4",
        "redhat/ubi9",
        "quay.io/centos/centos:stream9",
        "fedora:40",
        "rockylinux:9",
        "almalinux:9-minimal",
        "amazonlinux:2023",
        "oraclelinux:9-slim",
    ] {
        assert_eq!(family(r), ShellKind::Bash, "{r}");
    }
    // "ubi" must start a name token.
    unknown("example/rubinius:1");
}

#[test]
fn family_no_shell() {
    assert_eq!(known("scratch").shell, ShellKind::None);
    assert_eq!(
        family("gcr.io/distroless/python3-debian12"),
        ShellKind::None
    );
    assert_eq!(family("gcr.io/distroless/whatever:latest"), ShellKind::None);
}

#[test]
fn unknown_images() {
    unknown("perl:5");
    unknown("myimage:1.0");
    unknown("ghcr.io/acme/service:2");
    unknown("");
    unknown("alpine/git:latest");
}

// --- behaviour worth pinning

#[test]
fn shell_of_reasons() {
    assert_eq!(
        shell_of("node:20-alpine"),
        (
            ShellKind::Busybox,
            "node:20-alpine is Alpine-based: /bin/sh is busybox ash".to_string()
        )
    );
    assert_eq!(
        shell_of("python:3.12"),
        (
            ShellKind::Dash,
            "python:3.12 is Debian-based: /bin/sh is dash".to_string()
        )
    );
    let (sh, why) = shell_of("gcr.io/distroless/static");
    assert_eq!(sh, ShellKind::None);
    assert!(why.contains("no /bin/sh"), "{why}");
    let (sh, why) = shell_of("python:$PY");
    assert_eq!(sh, ShellKind::Unknown);
    assert!(why.starts_with("python:$PY: "), "{why}");
    let (sh, why) = shell_of("fedora:40");
    assert_eq!(sh, ShellKind::Bash);
    assert!(why.contains("Red Hat"), "{why}");
    let (sh, _) = shell_of("perl:5");
    assert_eq!(sh, ShellKind::Unknown);
}

#[test]
fn shell_kind_display() {
    assert_eq!(ShellKind::Dash.display(), "dash");
    assert_eq!(ShellKind::Busybox.display(), "busybox ash");
    assert_eq!(ShellKind::Bash.display(), "bash");
    assert_eq!(ShellKind::None.display(), "no shell");
    assert_eq!(ShellKind::Unknown.display(), "unknown shell");
}

#[test]
fn inits_and_exec() {
    assert_eq!(known("jenkins/jenkins:lts").init.as_deref(), Some("tini"));
    assert_eq!(known("docker:dind").init.as_deref(), Some("docker-init"));
    assert_eq!(known("node:22").init, None);
    assert_eq!(known("node:22").entrypoint_execs, Some(true));
    assert_eq!(known("httpd").entrypoint_execs, None);
    assert_eq!(known("tomcat").entrypoint_execs, None);
}

#[test]
fn default_tags() {
    assert_eq!(known("node").variant, "default");
    assert_eq!(known("node:latest").variant, "default");
    assert_eq!(known("openjdk:27-ea-oraclelinux9").variant, "oraclelinux");
    assert_eq!(known("nginx:mainline-otel").variant, "default");
    assert_eq!(known("nginx:alpine-perl").variant, "alpine");
    assert_eq!(known("php").variant, "cli");
    assert_eq!(known("php:8.3-cli-alpine").variant, "alpine");
    assert_eq!(known("docker:dind").variant, "dind");
    assert_eq!(known("docker:29-dind-alpine3.20").variant, "dind");
    assert_eq!(known("wordpress:cli").variant, "cli");
    assert_eq!(known("jenkins/jenkins:alpine3.24-jdk21").variant, "alpine");
    assert_eq!(known("eclipse-temurin:25-jre").variant, "jre");
    assert_eq!(known("redis").variant, "default");
    assert_eq!(known("redis:alpine").variant, "alpine");
}

#[test]
fn sources_and_notes_are_visible() {
    let b = known("mongo:8.0");
    assert!(
        b.source.starts_with("docker-library/mongo "),
        "{}",
        b.source
    );
    assert!(b.note.contains("no latest"), "{}", b.note);
    assert_eq!(known("mysql").distro, "oraclelinux");
    assert!(
        known("golang:1.23-windowsservercore")
            .note
            .contains("not read")
    );
}
