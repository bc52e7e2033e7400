//! Drives the built Daybook app through tauri-driver and WebKitWebDriver: one
//! throwaway home per test (so the diary, XDG data and recently-used list are the
//! test's own), screenshots, the axe-core audit and the socket check.

#![allow(dead_code)]

use std::collections::HashSet;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub type Res<T = ()> = Result<T, Box<dyn std::error::Error>>;

const AXE: &str = include_str!("../../vendor/axe.min.js");
/// How often the waits below look again.
const POLL_MS: u64 = 50;

/// Whether this run is an end-to-end run: `make desktop-test-e2e` (and `make test`)
/// set `DAYBOOK_E2E` after starting the display and building the app. A plain
/// `cargo test --workspace` compiles these tests with everything else (one build,
/// one set of features) but skips them.
pub fn e2e_enabled() -> bool {
    std::env::var_os("DAYBOOK_E2E").is_some()
}

/// Makes an export from the Export screen: its button shows what will go out (the
/// disclosure preview), and the person confirms.
pub async fn make_export(c: &Client, kind: &str) -> Res {
    click(c, &format!("#make-{kind}")).await?;
    wait_js(
        c,
        &format!("!!document.getElementById('confirm-{kind}')"),
        60,
    )
    .await?;
    click(c, &format!("#confirm-{kind}")).await
}

/// Ends the test (passing) when this is not an end-to-end run, and says so.
macro_rules! skip_unless_e2e {
    () => {
        if !e2e_enabled() {
            eprintln!("skipped: the desktop tests run under make desktop-test-e2e");
            return Ok(());
        }
    };
}
pub(crate) use skip_unless_e2e;

/// Where the built app is: `DAYBOOK_APP`, else the debug build next door.
pub fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("DAYBOOK_APP") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("debug/daybook-app")
}

/// Where screenshots and audit reports go (never committed).
pub fn output_dir() -> PathBuf {
    let dir = std::env::var_os("DAYBOOK_E2E_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e"));
    std::fs::create_dir_all(&dir).ok();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(4444)
}

/// A throwaway home and a running tauri-driver.
pub struct Driver {
    pub home: tempfile::TempDir,
    pub child: Child,
    pub port: u16,
}

impl Driver {
    pub fn start(extra_env: &[(&str, String)]) -> Res<Driver> {
        let home = tempfile::Builder::new().prefix("daybook-e2e-").tempdir()?;
        for d in ["data", "config", "cache", "runtime"] {
            std::fs::create_dir_all(home.path().join(d))?;
        }
        let port = free_port();
        let native = free_port();
        let mut cmd =
            Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()));
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_RUNTIME_DIR", home.path().join("runtime"))
        .env("TZ", "Europe/London")
        .env_remove("DAYBOOK_VAULT")
        // Debug builds: no real wait after a wrong passphrase (the core's
        // wrong_passphrase test checks the real one). A test may set it again.
        .env("DAYBOOK_TEST_FAILURE_DELAY_MS", "0")
        // The app sets these itself (software drawing, see `prefer_software_drawing`
        // in src-tauri/src/lib.rs); set here too so WebKitWebDriver's processes match.
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start tauri-driver ({e}); run `make desktop-deps`"))?;
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                return Err("tauri-driver did not start listening".into());
            }
            std::thread::sleep(Duration::from_millis(POLL_MS));
        }
        Ok(Driver { home, child, port })
    }

    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    /// Starts the app in a new WebDriver session and waits for its first screen.
    pub async fn session(&self) -> Res<Client> {
        self.session_with_args(&[]).await
    }

    /// [`Driver::session`], starting the app with command-line arguments (as a file
    /// manager does when a file is opened with it).
    pub async fn session_with_args(&self, args: &[String]) -> Res<Client> {
        let app = app_binary();
        if !app.exists() {
            return Err(format!("{} is missing; run `make desktop-build`", app.display()).into());
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app, "args": args }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await?;
        wait_js(
            &client,
            "document.documentElement.dataset.ready === 'true'",
            30,
        )
        .await?;
        Ok(client)
    }

    /// Pids of everything the driver started (WebKitWebDriver, the app, WebKit's
    /// helper processes).
    pub fn descendants(&self) -> Vec<u32> {
        descendants(self.child.id())
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn descendants(root: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for e in dir.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // The command name may contain spaces; fields resume after the last ')'.
            let Some(rest) = stat.rsplit(')').next() else {
                continue;
            };
            let ppid = rest
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(0);
            parent_of.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        for (pid, ppid) in &parent_of {
            if *ppid == p && !found.contains(pid) {
                found.push(*pid);
            }
        }
        i += 1;
    }
    found.remove(0);
    found
}

pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Resident memory of a process, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// A field of /proc/<pid>/smaps_rollup (`Pss`, `Rss`, `Pss_Anon`…), in KiB.
pub fn smaps_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.split(':').next() == Some(field))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Every inet socket held by these processes, as (protocol, local, remote) hex
/// addresses from /proc/net. The app must hold none but loopback ones.
pub fn inet_sockets(pids: &[u32]) -> Vec<(String, String, String)> {
    let mut inodes = HashSet::new();
    for pid in pids {
        if let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
            for fd in fds.flatten() {
                if let Ok(target) = std::fs::read_link(fd.path()) {
                    let t = target.to_string_lossy();
                    if let Some(inode) =
                        t.strip_prefix("socket:[").and_then(|s| s.strip_suffix(']'))
                    {
                        inodes.insert(inode.to_string());
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for proto in ["tcp", "tcp6", "udp", "udp6", "raw", "raw6"] {
        let table = std::fs::read_to_string(format!("/proc/net/{proto}")).unwrap_or_default();
        for line in table.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() > 9 && inodes.contains(cols[9]) {
                out.push((proto.to_string(), cols[1].to_string(), cols[2].to_string()));
            }
        }
    }
    out
}

/// Whether a /proc/net address (hex `ADDR:PORT`) is loopback or unset.
pub fn is_loopback_or_unset(addr: &str) -> bool {
    let ip = addr.split(':').next().unwrap_or("");
    match ip.len() {
        8 => ip == "00000000" || ip.ends_with("7F"),
        32 => {
            ip.chars().all(|c| c == '0')
                || ip == "00000000000000000000000001000000"
                || (ip.starts_with("0000000000000000FFFF0000") && ip.ends_with("7F"))
        }
        _ => false,
    }
}

pub async fn wait_js(client: &Client, condition: &str, secs: u64) -> Res {
    let started = Instant::now();
    loop {
        let v = client
            .execute(&format!("return !!({condition});"), vec![])
            .await;
        if let Ok(Value::Bool(true)) = v {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(secs) {
            let shown = client
                .execute("return [...document.querySelectorAll('main .message')].map(m => m.textContent).join(' | ');", vec![])
                .await
                .unwrap_or_default();
            let _ = shot(client, "failure").await;
            return Err(format!(
                "timed out waiting for: {condition} (last: {v:?}; messages on screen: {shown})"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(POLL_MS)).await;
    }
}

/// Waits until `done()` holds (a process ended, a file appeared…), looking every
/// 50 ms for up to `secs` seconds; returns how long it took, or an error naming
/// `what`.
pub async fn wait_for(what: &str, secs: u64, mut done: impl FnMut() -> bool) -> Res<Duration> {
    let started = Instant::now();
    loop {
        if done() {
            return Ok(started.elapsed());
        }
        if started.elapsed() > Duration::from_secs(secs) {
            return Err(format!("timed out after {secs} s waiting for: {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(POLL_MS)).await;
    }
}

/// Waits (up to 10 s) until what the page shows is in place: web fonts loaded and
/// every image (thumbnails included) loaded. Unlike `wait_js` it takes no
/// screenshot when it gives up, since `shot` itself waits with it.
pub async fn wait_loaded(client: &Client) -> Res {
    let started = Instant::now();
    loop {
        let v = client
            .execute(
                "return document.fonts.status === 'loaded' && [...document.images].every(i => i.complete);",
                vec![],
            )
            .await;
        if let Ok(Value::Bool(true)) = v {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(10) {
            return Err(format!("fonts or images still loading after 10 s (last: {v:?})").into());
        }
        tokio::time::sleep(Duration::from_millis(POLL_MS)).await;
    }
}

pub async fn find(client: &Client, css: &str) -> Res<Element> {
    let started = Instant::now();
    loop {
        match client.find(Locator::Css(css)).await {
            Ok(e) => return Ok(e),
            Err(err) if started.elapsed() > Duration::from_secs(15) => {
                return Err(format!("{css}: {err}").into())
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(POLL_MS)).await,
        }
    }
}

pub async fn click(client: &Client, css: &str) -> Res {
    find(client, css).await?.click().await?;
    Ok(())
}

/// Types into the field whose label text is `label` (labels are how people find them).
pub async fn type_into(client: &Client, css: &str, text: &str) -> Res {
    let el = find(client, css).await?;
    el.clear().await.ok();
    el.send_keys(text).await?;
    Ok(())
}

pub async fn text_of(client: &Client, css: &str) -> Res<String> {
    Ok(find(client, css).await?.text().await?)
}

pub async fn h1(client: &Client) -> Res<String> {
    text_of(client, "main h1").await
}

/// Waits (up to 10 s) until the page's heading reads `heading`.
pub async fn wait_heading(client: &Client, heading: &str) -> Res {
    let quoted = serde_json::to_string(heading)?;
    wait_js(
        client,
        &format!("document.querySelector('main h1')?.textContent === {quoted}"),
        10,
    )
    .await
}

/// Waits for the entry form to say a draft was restored, and returns the restored
/// description (a JSON string).
pub async fn restored_draft(client: &Client) -> Res<Value> {
    wait_js(client, "!!document.getElementById('draft-restored')", 10).await?;
    Ok(client
        .execute(
            "return document.querySelector('textarea[name=description]').value;",
            vec![],
        )
        .await?)
}

/// Locks the diary with the toolbar button and waits for the unlock screen.
pub async fn lock(client: &Client) -> Res {
    click(client, "#lock-button").await?;
    wait_heading(client, "Unlock your diary").await
}

/// Saves a screenshot as `<n>-<name>.png` and returns its path.
pub async fn shot(client: &Client, name: &str) -> Res<PathBuf> {
    // Fonts and thumbnails in place before the picture is taken.
    wait_loaded(client).await?;
    // WebKit's driver takes the screenshot after the next paint; on a still page
    // under Xvfb that paint may never come. A 1-pixel ticker keeps painting.
    client
        .execute(
            "let d = document.getElementById('__e2e_tick');
             if (!d) { d = document.createElement('div'); d.id = '__e2e_tick'; d.setAttribute('aria-hidden', 'true');
               Object.assign(d.style, { position: 'fixed', right: '0', bottom: '0', width: '1px', height: '1px', pointerEvents: 'none' });
               document.documentElement.appendChild(d); }
             let on = false;
             window.__e2eTick = setInterval(() => { on = !on; d.style.opacity = on ? '0.02' : '0.01'; }, 40);
             return true;",
            vec![],
        )
        .await?;
    // Two frames drawn with everything loaded (the ticker keeps frames coming).
    client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            vec![],
        )
        .await?;
    let png = client.screenshot().await;
    client
        .execute("clearInterval(window.__e2eTick); document.getElementById('__e2e_tick')?.remove(); return true;", vec![])
        .await?;
    let png = png?;
    let path = output_dir().join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// Injects axe-core (once per page) and fails on serious or critical violations.
pub async fn audit(client: &Client, screen: &str) -> Res {
    let present = client
        .execute("return typeof window.axe !== 'undefined';", vec![])
        .await?;
    if present != Value::Bool(true) {
        client
            .execute(&format!("{AXE}\n;return true;"), vec![])
            .await?;
    }
    let result = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.axe.run(document, { resultTypes: ['violations'] })
               .then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary).slice(0, 5) })) }))
               .catch(e => done({ passes: 0, violations: [{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }] }));",
            vec![],
        )
        .await?;
    std::fs::write(
        output_dir().join(format!("{screen}.axe.json")),
        serde_json::to_string_pretty(&result)?,
    )?;
    let all = result["violations"]
        .as_array()
        .map(|a| a.len())
        .unwrap_or(0);
    if all > 0 {
        eprintln!("axe on {screen}: {all} minor or moderate finding(s), see {screen}.axe.json");
    }
    // An audit that checked nothing is a broken audit, not a clean screen.
    if result["passes"].as_u64().unwrap_or(0) < 5 {
        return Err(format!("axe on {screen} checked almost nothing: {result}").into());
    }
    let bad: Vec<&Value> = result["violations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
                .collect()
        })
        .unwrap_or_default();
    if !bad.is_empty() {
        return Err(format!("axe on {screen}: {}", serde_json::to_string_pretty(&bad)?).into());
    }
    Ok(())
}

/// A screenshot and an audit of the current screen.
pub async fn screen(client: &Client, name: &str) -> Res<PathBuf> {
    let t = Instant::now();
    let path = shot(client, name).await?;
    let shot_ms = t.elapsed().as_millis();
    audit(client, name).await?;
    eprintln!(
        "screen {name}: screenshot {shot_ms} ms, audit {} ms",
        t.elapsed().as_millis() - shot_ms
    );
    Ok(path)
}

/// A photo for evidence: from ../shared/fixtures/photos when present, else made with
/// ImageMagick.
pub fn photo(dir: &Path) -> Res<PathBuf> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/photos");
    for name in ["Canon_40D.jpg", "gps-DSCN0010.jpg", "Nikon_D70.jpg"] {
        let p = fixtures.join(name);
        if p.exists() {
            let out = dir.join(format!("e2e-{name}"));
            std::fs::copy(&p, &out)?;
            return Ok(out);
        }
    }
    let out = dir.join("e2e-generated.jpg");
    let status = Command::new("convert")
        .args([
            "-size",
            "640x480",
            "gradient:#88a-#dde",
            "-fill",
            "#334",
            "-draw",
            "rectangle 200,150 440,330",
        ])
        .arg(&out)
        .status()?;
    if !status.success() {
        return Err("ImageMagick could not make a test photo".into());
    }
    Ok(out)
}

/// A diary made with the core before the app starts (cheap scrypt), where the app
/// looks for it in this driver's home, with these incidents.
pub fn make_diary(
    driver: &Driver,
    passphrase: &str,
    incidents: Vec<daybook_core::incident::Incident>,
) -> Res<PathBuf> {
    use daybook_core::vault::CreateOptions;
    use daybook_core::{SecretString, Vault};
    let path = driver.data_dir().join("daybook/diary.daybook");
    std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
    let options = CreateOptions {
        scrypt_log_n: Some(10),
        ..Default::default()
    };
    let (mut vault, _) = Vault::create(&path, SecretString::from(passphrase.to_string()), options)?;
    for incident in incidents {
        vault.add(incident)?;
    }
    Ok(path)
}

/// Opens a diary with the core (the app should be gone) to check what it kept.
pub fn open_diary(path: &Path, passphrase: &str) -> Res<daybook_core::Vault> {
    let mut vault = daybook_core::Vault::open(path)?;
    vault.unlock(&daybook_core::SecretString::from(passphrase.to_string()))?;
    Ok(vault)
}

/// Types the passphrase on the unlock screen and waits for the timeline.
pub async fn unlock(client: &Client, passphrase: &str) -> Res {
    type_into(client, "input[name=passphrase]", passphrase).await?;
    click(client, "#unlock").await?;
    wait_js(
        client,
        "document.querySelector('main h1')?.textContent === 'Your entries'",
        30,
    )
    .await
}

/// The app's own process among those the driver started.
pub fn app_pid(driver: &Driver) -> Option<u32> {
    driver
        .descendants()
        .into_iter()
        .find(|p| comm(*p) == "daybook")
}

/// Whether a process has ended (gone, or a zombie waiting for its parent).
pub fn process_ended(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .is_none_or(|state| state == "Z" || state == "X"),
    }
}

/// Saves the entry form and waits for the new entry's page (`Entry N`) to show
/// `exhibits` exhibits.
pub async fn save_entry(client: &Client, number: u64, exhibits: usize) -> Res {
    click(client, "#save-entry").await?;
    wait_js(
        client,
        &format!("document.querySelector('main h1')?.textContent === 'Entry {number}'"),
        20,
    )
    .await?;
    wait_js(
        client,
        &format!("document.querySelectorAll('#exhibits li').length === {exhibits}"),
        10,
    )
    .await
}

/// Runs xdotool and returns what it printed.
pub fn xdotool(args: &[&str]) -> Res<String> {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .map_err(|e| format!("xdotool could not run ({e}); run `make desktop-deps`"))?;
    if !out.status.success() {
        return Err(format!(
            "xdotool {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// A helper script from tests/desktop/x11, run with Debian's Python (which has the
/// python3-gi and python3-xlib packages; another python3 earlier on PATH may not).
pub fn x11_script(name: &str) -> Command {
    let python = ["/usr/bin/python3", "/usr/local/bin/python3"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .unwrap_or("python3");
    let mut cmd = Command::new(python);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("x11").join(name));
    cmd
}

/// Where the visible Daybook window is on screen: (x, y, width, height).
pub fn app_window_geometry(pid: u32) -> Res<(i32, i32, i32, i32)> {
    let found = xdotool(&[
        "search",
        "--onlyvisible",
        "--pid",
        &pid.to_string(),
        "--name",
        "^Daybook$",
    ])?;
    let window = found
        .lines()
        .last()
        .ok_or("the Daybook window is not on screen")?
        .to_string();
    let shell = xdotool(&["getwindowgeometry", "--shell", &window])?;
    let get = |key: &str| -> Res<i32> {
        shell
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .ok_or_else(|| format!("no {key} in {shell}"))?
            .parse::<i32>()
            .map_err(|e| e.to_string().into())
    };
    Ok((get("X")?, get("Y")?, get("WIDTH")?, get("HEIGHT")?))
}
