// Starts `dsig lsp` (from PATH, or the `dsig.path` setting) for Dockerfiles
// and manifests, and tells it when the files it reads change on disk.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const config = vscode.workspace.getConfiguration("dsig");
  const command = config.get<string>("path") || "dsig";
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
      // open scripts and package.json files are read instead of the disk
      { scheme: "file", language: "shellscript" },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher(
        "**/{*.sh,package.json,.dsig.yaml,.dsig.yml,compose.yaml,compose.yml,docker-compose.yml,docker-compose.yaml}"
      ),
    },
    initializationOptions: {
      failLevel: config.get<string>("failLevel"),
      unsafeFixes: config.get<boolean>("unsafeFixes"),
    },
  };
  client = new LanguageClient("dsig", "dsig", serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
