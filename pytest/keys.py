"""Keys pressed at a job-control shell."""
import shutil
import subprocess

import pexpect


def stacks(pid):
    """Every thread's stack of process `pid` (gdb), to explain a hang."""
    if not shutil.which("gdb"):
        return "(no gdb for stacks)"
    r = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt 12"],
                       capture_output=True, text=True, timeout=60)
    return "\n".join(l for l in r.stdout.splitlines() if l.startswith(("#", "Thread")))


def press(child, key, pattern, tries=3, wait=3, forkless_pid=None):
    """Presses Ctrl-`key` until `pattern` shows. A job-control shell hands
    the terminal to a job only after it has echoed the job's command (mksh's
    fg prints the command, then calls tcsetpgrp), natively too: a key
    pressed in between reaches the shell, and a person presses it again.
    Under a loaded machine that gap can be long. `pattern` is text, or a
    compiled regular expression. If it never shows, the failure carries the
    stacks of `forkless_pid` (default: the child itself)."""
    def wait_for(timeout):
        if isinstance(pattern, str):
            return child.expect_exact(pattern, timeout=timeout)
        return child.expect(pattern, timeout=timeout)

    for _ in range(tries - 1):
        child.sendcontrol(key)
        try:
            return wait_for(wait)
        except pexpect.TIMEOUT:
            pass
    child.sendcontrol(key)
    try:
        return wait_for(-1)
    except pexpect.TIMEOUT as e:
        raise AssertionError(f"{pattern!r} never showed:\n{stacks(forkless_pid or child.pid)}") from e
