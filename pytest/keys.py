"""Keys pressed at a job-control shell."""
import pexpect


def press(child, key, pattern, tries=3, wait=3):
    """Presses Ctrl-`key` until `pattern` shows. A job-control shell hands
    the terminal to a job only after it has echoed the job's command (mksh's
    fg prints the command, then calls tcsetpgrp), natively too: a key
    pressed in between reaches the shell, and a person presses it again.
    Under a loaded machine that gap can be long. `pattern` is text, or a
    compiled regular expression."""
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
    return wait_for(-1)
