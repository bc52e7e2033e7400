//! The app's commands are named in four places that must agree: `generate_handler!`
//! in `lib.rs` (what the shell answers), `COMMANDS` in `build.rs` (the `allow-…`
//! permissions Tauri generates), `capabilities/main.json` (what the window may call)
//! and `ui/api.js` (what the UI calls). A command missing from one of them fails only
//! at run time, in the window, so this test reads all four and names any difference.

use std::collections::BTreeSet;

const LIB_RS: &str = include_str!("lib.rs");
const BUILD_RS: &str = include_str!("../build.rs");
const CAPABILITY: &str = include_str!("../capabilities/main.json");
const API_JS: &str = include_str!("../../ui/api.js");

/// The four lists, each as the command names it gives (duplicates kept, to report).
struct Lists {
    handler: Vec<String>,
    build: Vec<String>,
    capability: Vec<String>,
    api: Vec<String>,
}

/// The text between `start` and the first `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Result<&'a str, String> {
    let from = text
        .find(start)
        .ok_or_else(|| format!("`{start}` not found"))?
        + start.len();
    let len = text[from..]
        .find(end)
        .ok_or_else(|| format!("no `{end}` after `{start}`"))?;
    Ok(&text[from..from + len])
}

/// The last path segment of each entry of `generate_handler![…]`.
fn handler_commands(lib_rs: &str) -> Result<Vec<String>, String> {
    Ok(between(lib_rs, "generate_handler![", "]")?
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.rsplit("::").next().unwrap_or(s).to_string())
        .collect())
}

/// The quoted names in `const COMMANDS: &[&str] = &[…];`.
fn build_commands(build_rs: &str) -> Result<Vec<String>, String> {
    Ok(between(build_rs, "const COMMANDS: &[&str] = &[", "];")?
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

/// `allow-vault-unlock` → `vault_unlock`. A permission that is not one of the app's
/// own `allow-…` is an error: the window is meant to have nothing else.
fn capability_commands(json: &str) -> Result<Vec<String>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("capabilities/main.json: {e}"))?;
    let permissions = value["permissions"]
        .as_array()
        .ok_or("capabilities/main.json has no `permissions` array")?;
    permissions
        .iter()
        .map(|p| {
            let p = p
                .as_str()
                .ok_or_else(|| format!("permission {p} is not a plain `allow-…` name"))?;
            p.strip_prefix("allow-")
                .map(|name| name.replace('-', "_"))
                .ok_or_else(|| format!("permission `{p}` is not one of the app's `allow-…`"))
        })
        .collect()
}

/// The command each `export const name = … call('name' …)` of `ui/api.js` calls. An
/// export must be named after the command it calls (`ui/api.js` mirrors the commands
/// one to one); a `call('…')` outside such an export is an error too.
fn api_commands(api_js: &str) -> Result<Vec<String>, String> {
    let mut commands = Vec::new();
    let mut calls_seen = 0;
    for chunk in api_js.split("export ").skip(1) {
        let calls: Vec<&str> = chunk
            .split("call('")
            .skip(1)
            .filter_map(|rest| rest.split('\'').next())
            .collect();
        calls_seen += calls.len();
        let Some(&command) = calls.first() else {
            continue;
        };
        let name = chunk
            .trim_start_matches("const ")
            .trim_start_matches("async ")
            .trim_start_matches("function ")
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next()
            .unwrap_or("");
        if calls.len() > 1 || name != command {
            return Err(format!(
                "ui/api.js: `{name}` should call exactly `call('{name}'…)`, it calls {calls:?}"
            ));
        }
        commands.push(command.to_string());
    }
    let total = api_js.matches("call('").count();
    if total != calls_seen {
        return Err(format!(
            "ui/api.js has {} `call('…')` outside an exported function",
            total - calls_seen
        ));
    }
    Ok(commands)
}

impl Lists {
    fn read(lib_rs: &str, build_rs: &str, capability: &str, api_js: &str) -> Result<Self, String> {
        Ok(Lists {
            handler: handler_commands(lib_rs)?,
            build: build_commands(build_rs)?,
            capability: capability_commands(capability)?,
            api: api_commands(api_js)?,
        })
    }

    /// Every difference from the handler list, and every name given twice, one line
    /// each; empty when the four agree.
    fn differences(&self) -> Vec<String> {
        let handler: BTreeSet<&str> = self.handler.iter().map(String::as_str).collect();
        let mut problems = Vec::new();
        for (place, list) in [
            ("generate_handler! in src-tauri/src/lib.rs", &self.handler),
            ("COMMANDS in src-tauri/build.rs", &self.build),
            ("src-tauri/capabilities/main.json", &self.capability),
            ("ui/api.js", &self.api),
        ] {
            let mut seen = BTreeSet::new();
            for name in list {
                if !seen.insert(name.as_str()) {
                    problems.push(format!("{place} names `{name}` twice"));
                }
            }
            for name in handler.difference(&seen) {
                problems.push(format!("{place} lacks `{name}`"));
            }
            for name in seen.difference(&handler) {
                problems.push(format!(
                    "{place} has `{name}`, which generate_handler! in src-tauri/src/lib.rs does not"
                ));
            }
        }
        problems
    }
}

#[test]
fn the_four_command_lists_agree() {
    let lists = Lists::read(LIB_RS, BUILD_RS, CAPABILITY, API_JS).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        lists.handler.len() > 30,
        "only {} commands found in generate_handler!",
        lists.handler.len()
    );
    let problems = lists.differences();
    assert!(
        problems.is_empty(),
        "the command lists disagree:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn a_missing_or_extra_command_is_named() {
    let build = BUILD_RS.replace("    \"vault_lock\",\n", "");
    let capability = CAPABILITY.replace(
        "\"allow-entry-get\",",
        "\"allow-entry-get\", \"allow-entry-steal\",",
    );
    let api = format!("{API_JS}\nexport const vault_open = () => call('vault_open');\n");
    let problems = Lists::read(LIB_RS, &build, &capability, &api)
        .unwrap()
        .differences();
    assert_eq!(
        problems,
        [
            "COMMANDS in src-tauri/build.rs lacks `vault_lock`",
            "src-tauri/capabilities/main.json has `entry_steal`, which generate_handler! in src-tauri/src/lib.rs does not",
            "ui/api.js has `vault_open`, which generate_handler! in src-tauri/src/lib.rs does not",
        ]
    );
}

#[test]
fn a_stray_permission_or_a_misnamed_export_is_refused() {
    let capability = CAPABILITY.replace(
        "\"allow-entry-get\",",
        "\"allow-entry-get\", \"core:default\",",
    );
    let err = Lists::read(LIB_RS, BUILD_RS, &capability, API_JS)
        .err()
        .unwrap();
    assert!(err.contains("`core:default`"), "{err}");

    let api = format!("{API_JS}\nexport const open = () => call('vault_unlock');\n");
    let err = Lists::read(LIB_RS, BUILD_RS, CAPABILITY, &api)
        .err()
        .unwrap();
    assert!(err.contains("`open`"), "{err}");
}
