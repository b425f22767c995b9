//! Scenario files: what a person does at a terminal, and what they must
//! see, run against a shell on a fresh pseudo-terminal (`Terminal`).
//!
//! One step per line; `#` starts a comment line. Text arguments take the
//! escapes `\r`, `\n`, `\t`, `\e`, `\\` and `\xNN`.
//!
//! | step | meaning |
//! |---|---|
//! | `size COLS ROWS` | the terminal's size at start (default 80 24; first line only) |
//! | `timeout SECONDS` | how long each later `expect` may wait (default 10) |
//! | `prompt` | wait for the shell's prompt (`PS1`, set by the transport) |
//! | `line TEXT` | type TEXT, then Enter |
//! | `send TEXT` | type TEXT as it is |
//! | `key NAME...` | press keys: `Enter`, `Tab`, `BSpace`, `Esc`, `Up`, `Down`, `Left`, `Right`, `Home`, `End`, `C-a` ... `C-z`, `C-\`, `C-?` |
//! | `expect TEXT` | wait until TEXT shows |
//! | `expect /REGEX/` | wait until the regular expression matches what showed |
//! | `absent TEXT` | TEXT has not shown anywhere so far (a password not echoed) |
//! | `pause SECONDS` | let time pass (a job running, a timer) |
//! | `resize COLS ROWS` | change the window size (SIGWINCH) |
//! | `hangup` | close the terminal (its session is hung up) |
//! | `exit STATUS` | the shell ends, with exit status STATUS |
//! | `killed SIGNAL` | the shell ends, killed by SIGNAL (a number) |
//!
//! An `expect` or `prompt` right after a signal key (`C-c`, `C-\`, `C-z`)
//! presses the key again if nothing shows within 3 s (twice at most): a
//! shell hands a new job the terminal only after starting it, and a key
//! pressed before that reaches the shell, natively too.
//!
//! A scenario passes when every step does; the transcript (all the shell
//! showed) is kept for snapshots and for the failure message.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::terminal::{Pattern, Terminal};

/// One step of a scenario.
#[derive(Clone, Debug)]
pub enum Step {
    Timeout(Duration),
    Prompt,
    Send(Vec<u8>),
    Expect(Pattern),
    Absent(Vec<u8>),
    Pause(Duration),
    Resize(u16, u16),
    HangUp,
    Exit(i32),
    Killed(i32),
}

/// An expect right after a signal key (Ctrl-C, Ctrl-\, Ctrl-Z): the key
/// is pressed again if nothing shows within a few seconds, twice at most.
/// A job-control shell gives a job the terminal only after it has started
/// it (and fg prints the job first), natively too; a key pressed in that
/// gap reaches the shell, and a person would press it again.
fn expect_after(term: &mut Terminal, p: &Pattern, timeout: Duration, key: &Option<Vec<u8>>) -> Result<(), String> {
    if let Some(k) = key {
        for _ in 0..2 {
            if term.expect(p, timeout.min(Duration::from_secs(3))).is_ok() {
                return Ok(());
            }
            term.send(k).map_err(|e| e.to_string())?;
        }
    }
    term.expect(p, timeout).map(drop)
}

/// A parsed scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub cols: u16,
    pub rows: u16,
    pub steps: Vec<Step>,
}

/// The prompt every transport gives the shell (PS1), so a scenario can
/// wait for it.
pub const PROMPT: &str = "scn$ ";

/// The text of TEXT arguments, with escapes.
pub fn unescape(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        let c = *b.get(i + 1).ok_or("a trailing backslash")?;
        i += 2;
        match c {
            b'r' => out.push(b'\r'),
            b'n' => out.push(b'\n'),
            b't' => out.push(b'\t'),
            b'e' => out.push(0x1b),
            b'\\' => out.push(b'\\'),
            b'x' => {
                let hex = s.get(i..i + 2).ok_or("\\x needs two hex digits")?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad \\x{hex}"))?);
                i += 2;
            }
            other => return Err(format!("unknown escape \\{}", other as char)),
        }
    }
    Ok(out)
}

/// The bytes a key sends (xterm's, as a terminal emulator sends them).
pub fn key(name: &str) -> Result<Vec<u8>, String> {
    let seq: &[u8] = match name {
        "Enter" => b"\r",
        "Tab" => b"\t",
        "BSpace" => b"\x7f",
        "Esc" => b"\x1b",
        "Up" => b"\x1b[A",
        "Down" => b"\x1b[B",
        "Right" => b"\x1b[C",
        "Left" => b"\x1b[D",
        "Home" => b"\x1b[H",
        "End" => b"\x1b[F",
        "C-\\" => b"\x1c",
        "C-?" => b"\x7f",
        _ => {
            let c = name.strip_prefix("C-").filter(|c| c.len() == 1).ok_or_else(|| format!("unknown key {name}"))?;
            let c = c.as_bytes()[0].to_ascii_lowercase();
            if !c.is_ascii_lowercase() {
                return Err(format!("unknown key {name}"));
            }
            return Ok(vec![c - b'a' + 1]);
        }
    };
    Ok(seq.to_vec())
}

fn seconds(s: &str) -> Result<Duration, String> {
    let f: f64 = s.parse().map_err(|_| format!("not a number of seconds: {s}"))?;
    Duration::try_from_secs_f64(f).map_err(|_| format!("not a duration: {s}"))
}

impl Scenario {
    /// Parses scenario `text`, named `name`.
    pub fn parse(name: &str, text: &str) -> Result<Scenario, String> {
        let mut sc = Scenario { name: name.to_string(), cols: 80, rows: 24, steps: Vec::new() };
        for (n, raw) in text.lines().enumerate() {
            let at = |e: String| format!("{name}:{}: {e}", n + 1);
            let line = raw.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
            let two = |rest: &str| -> Result<(u16, u16), String> {
                let mut it = rest.split_whitespace().map(|x| x.parse::<u16>());
                match (it.next(), it.next()) {
                    (Some(Ok(a)), Some(Ok(b))) => Ok((a, b)),
                    _ => Err(format!("{word} needs COLS ROWS")),
                }
            };
            let step = match word {
                "size" if sc.steps.is_empty() => {
                    (sc.cols, sc.rows) = two(rest).map_err(at)?;
                    continue;
                }
                "timeout" => Step::Timeout(seconds(rest.trim()).map_err(at)?),
                "prompt" => Step::Prompt,
                "line" => {
                    let mut t = unescape(rest).map_err(at)?;
                    t.push(b'\r');
                    Step::Send(t)
                }
                "send" => Step::Send(unescape(rest).map_err(at)?),
                "key" => {
                    let mut t = Vec::new();
                    for k in rest.split_whitespace() {
                        t.extend(key(k).map_err(at)?);
                    }
                    Step::Send(t)
                }
                "expect" => match rest.strip_prefix('/').and_then(|r| r.strip_suffix('/')) {
                    Some(re) => {
                        Step::Expect(Pattern::Regex(regex::bytes::Regex::new(re).map_err(|e| at(e.to_string()))?))
                    }
                    None => {
                        Step::Expect(Pattern::Text(String::from_utf8_lossy(&unescape(rest).map_err(at)?).into_owned()))
                    }
                },
                "absent" => Step::Absent(unescape(rest).map_err(at)?),
                "pause" => Step::Pause(seconds(rest.trim()).map_err(at)?),
                "resize" => {
                    let (c, r) = two(rest).map_err(at)?;
                    Step::Resize(c, r)
                }
                "hangup" => Step::HangUp,
                "exit" => Step::Exit(rest.trim().parse().map_err(|_| at("exit needs a status".into()))?),
                "killed" => Step::Killed(rest.trim().parse().map_err(|_| at("killed needs a signal number".into()))?),
                other => return Err(at(format!("unknown step {other}"))),
            };
            sc.steps.push(step);
        }
        Ok(sc)
    }

    /// Reads `dir/NAME.scn` files, sorted by name.
    pub fn all_in(dir: &Path) -> Result<Vec<Scenario>, String> {
        let mut v = Vec::new();
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "scn") {
                let name = p.file_stem().and_then(|s| s.to_str()).unwrap_or("scenario").to_string();
                let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                v.push(Scenario::parse(&name, &text)?);
            }
        }
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }

    /// Runs the scenario against the shell `cmd` starts; returns the
    /// transcript, or what went wrong with the transcript so far.
    pub fn run(&self, cmd: Command) -> Result<Vec<u8>, String> {
        let mut term =
            Terminal::spawn(cmd, self.cols, self.rows).map_err(|e| format!("cannot start the shell: {e}"))?;
        let mut timeout = Duration::from_secs(10);
        let mut ended = false;
        let mut signal_key: Option<Vec<u8>> = None;
        for (i, step) in self.steps.iter().enumerate() {
            let fail = |e: String, term: &Terminal| {
                format!(
                    "step {} ({step:?}): {e}\n--- transcript\n{}",
                    i + 1,
                    String::from_utf8_lossy(&term.transcript())
                )
            };
            let r = match step {
                Step::Timeout(t) => {
                    timeout = *t;
                    Ok(())
                }
                Step::Prompt => expect_after(&mut term, &Pattern::Text(PROMPT.into()), timeout, &signal_key),
                Step::Send(b) => term.send(b).map_err(|e| e.to_string()),
                Step::Expect(p) => expect_after(&mut term, p, timeout, &signal_key),
                Step::Absent(t) => {
                    let shown = term.transcript();
                    if shown.windows(t.len()).any(|w| w == t.as_slice()) {
                        Err(format!("{:?} showed", String::from_utf8_lossy(t)))
                    } else {
                        Ok(())
                    }
                }
                Step::Pause(d) => {
                    std::thread::sleep(*d);
                    Ok(())
                }
                Step::Resize(c, r) => term.resize(*c, *r).map_err(|e| e.to_string()),
                Step::HangUp => {
                    term.hang_up();
                    Ok(())
                }
                Step::Exit(want) => {
                    ended = true;
                    term.wait(timeout).and_then(|st| match st.code() {
                        Some(c) if c == *want => Ok(()),
                        _ => Err(format!("ended with {st:?}, want exit status {want}")),
                    })
                }
                Step::Killed(sig) => {
                    ended = true;
                    term.wait(timeout).and_then(|st| match st.signal() {
                        Some(s) if s == *sig => Ok(()),
                        _ => Err(format!("ended with {st:?}, want death by signal {sig}")),
                    })
                }
            };
            r.map_err(|e| fail(e, &term))?;
            signal_key = match step {
                Step::Send(b) if matches!(b.as_slice(), [0x03] | [0x1c] | [0x1a]) => Some(b.clone()),
                _ => None,
            };
        }
        if ended {
            term.drain(timeout);
        } else {
            // A scenario that does not end the shell leaves it to be
            // killed: that is not a result to compare.
            term.hang_up();
        }
        Ok(term.transcript())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_step() {
        let text = "size 100 30\n# a comment\ntimeout 2.5\nprompt\nline echo a\\tb\nsend x\\x41\nkey Up C-c Enter\n\
                    expect hi\\r\\n\nexpect /[0-9]+/\npause 0.1\nresize 90 20\nhangup\nexit 7\nkilled 1\n";
        let s = Scenario::parse("t", text).unwrap();
        assert_eq!((s.cols, s.rows), (100, 30));
        assert_eq!(s.steps.len(), 12);
        assert!(matches!(&s.steps[2], Step::Send(b) if b == b"echo a\tb\r"));
        assert!(matches!(&s.steps[3], Step::Send(b) if b == b"xA"));
        assert!(matches!(&s.steps[4], Step::Send(b) if b == b"\x1b[A\x03\r"));
        assert!(matches!(&s.steps[5], Step::Expect(Pattern::Text(t)) if t == "hi\r\n"));
        assert!(matches!(s.steps[10], Step::Exit(7)));
    }

    #[test]
    fn errors_name_the_line() {
        let e = Scenario::parse("t", "prompt\nfrobnicate\n").unwrap_err();
        assert_eq!(e, "t:2: unknown step frobnicate");
        assert!(Scenario::parse("t", "key C-1\n").unwrap_err().contains("unknown key C-1"));
        assert!(Scenario::parse("t", "expect \\q\n").unwrap_err().contains("unknown escape"));
    }
}
