"""forkless sh on a terminal, driven by an independent client (pexpect):
the prompt, a command, history, job control, Ctrl-C, the exit status, and
the host terminal's settings before and after (also when forkless is
killed by SIGTERM)."""
import os
import re
import signal
import time

import pexpect
from keys import press

PROMPT = "pyt$ "


def shell(forkless, tmp_path):
    env_file = tmp_path / "env.sh"
    env_file.write_text(f"PS1='{PROMPT}'\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TERM": "xterm",
           "LC_ALL": "C", "ENV": str(env_file), "TMPDIR": str(tmp_path)}
    child = pexpect.spawn(forkless, ["sh"], env=env, cwd=str(tmp_path), timeout=15,
                          encoding="utf-8", dimensions=(24, 80))
    child.expect_exact(PROMPT)
    return child


def test_interactive_session(forkless, tmp_path):
    sh = shell(forkless, tmp_path)
    sh.sendline("echo hello")
    sh.expect_exact("hello\r\n")
    sh.expect_exact(PROMPT)
    sh.send("\x1b[A")            # up-arrow recalls the last command
    sh.send("\r")
    sh.expect_exact("hello\r\n")
    sh.expect_exact(PROMPT)
    sh.sendline("sleep 100")
    time.sleep(0.3)
    press(sh, "z", re.compile(r"Stopped +.?sleep 100"))
    sh.expect_exact(PROMPT)
    sh.sendline("fg")
    sh.expect_exact("sleep 100")
    time.sleep(0.3)
    press(sh, "c", PROMPT)
    sh.sendline("echo $?")
    sh.expect_exact("130\r\n")
    sh.expect_exact(PROMPT)
    sh.sendline("exit 7")
    sh.expect(pexpect.EOF)
    sh.close()
    assert sh.exitstatus == 7


def host_settings_around(forkless, tmp_path, end):
    """Runs forkless sh from a host shell on a pty, with the terminal's
    settings printed before and after; `end` ends forkless."""
    script = tmp_path / "around.sh"
    script.write_text(f'stty -g; echo BEFORE; "{forkless}" sh; echo AFTER; stty -g\n')
    env_file = tmp_path / "env.sh"
    env_file.write_text(f"PS1='{PROMPT}'\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ENV": str(env_file), "TERM": "xterm"}
    child = pexpect.spawn("/bin/sh", [str(script)], env=env, cwd=str(tmp_path), timeout=15,
                          encoding="utf-8")
    child.expect(r"(\S+)\r\nBEFORE\r\n")
    before = child.match.group(1)
    child.expect_exact(PROMPT)
    end(child)
    child.expect(r"AFTER\r\n(\S+)\r\n")
    after = child.match.group(1)
    child.expect(pexpect.EOF)
    return before, after


def test_host_terminal_settings_come_back_after_exit(forkless, tmp_path):
    before, after = host_settings_around(forkless, tmp_path, lambda c: c.sendline("exit 3"))
    assert before == after


def forkless_pid(parent):
    """The forkless process among `parent`'s children."""
    for _ in range(50):
        for task in os.listdir(f"/proc/{parent}/task"):
            with open(f"/proc/{parent}/task/{task}/children") as f:
                kids = [int(p) for p in f.read().split()]
            for k in kids:
                with open(f"/proc/{k}/comm") as f:
                    if f.read().strip().startswith("forkless"):
                        return k
        time.sleep(0.1)
    raise AssertionError("forkless is not running")


def test_host_terminal_settings_come_back_after_sigterm(forkless, tmp_path):
    def kill(child):
        os.kill(forkless_pid(child.pid), signal.SIGTERM)
    before, after = host_settings_around(forkless, tmp_path, kill)
    assert before == after
