//! YAML merge keys (`<<`), resolved on the tree.

use std::collections::HashSet;

use super::tree::Node;

/// Apply YAML merge keys (`<<: *a` or `<<: [*a, *b]`) bottom-up: the
/// mapping's own keys win, then earlier merged mappings over later ones.
pub fn resolve_merges(node: &mut Node) -> Result<(), String> {
    match node {
        Node::Seq(items) => items.iter_mut().try_for_each(resolve_merges),
        Node::Map(entries) => {
            entries
                .iter_mut()
                .try_for_each(|e| resolve_merges(&mut e.value))?;
            let Some(i) = entries.iter().position(|e| e.key == "<<") else {
                return Ok(());
            };
            let merge = entries.remove(i);
            let bad = || {
                format!(
                    "{}:{}: merge key `<<` needs a mapping or a list of mappings",
                    merge.line, merge.column
                )
            };
            let sources = match merge.value {
                Node::Map(m) => vec![m],
                Node::Seq(items) => items
                    .into_iter()
                    .map(|i| match i {
                        Node::Map(m) => Ok(m),
                        _ => Err(bad()),
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(bad()),
            };
            let mut keys: HashSet<String> = entries.iter().map(|e| e.key.clone()).collect();
            for source in sources {
                for e in source {
                    if keys.insert(e.key.clone()) {
                        entries.push(e);
                    }
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
