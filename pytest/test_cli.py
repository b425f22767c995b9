"""The forkless command line, driven by an independent client (pexpect)."""
import subprocess

import pexpect


def run(forkless, *args, **kw):
    return subprocess.run([forkless, *args], capture_output=True, text=True, timeout=30, **kw)


def test_unknown_program_exits_2_with_one_line(forkless):
    r = run(forkless, "nosuchprogram")
    assert r.returncode == 2
    assert r.stdout == ""
    assert len(r.stderr.splitlines()) == 1


def test_tvm_ps_shows_init_and_itself(forkless):
    r = run(forkless, "tvm", "ps")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["PID", "PPID", "PGID", "SID", "STAT", "COMMAND"]
    rows = [line.split(None, 5) for line in lines[1:]]
    # init has no thread and only waits: S.
    assert ["1", "0", "1", "1", "S", "init"] in rows
    # Started by a process that leads nothing, forkless's first task leads
    # nothing either: it sits in the outer group and session (id 3).
    assert ["2", "1", "3", "3", "R", "tvm ps"] in rows


def test_first_task_leads_when_forkless_leads_its_session(forkless):
    r = run(forkless, "tvm", "ps", start_new_session=True)
    assert r.returncode == 0
    rows = [line.split(None, 5) for line in r.stdout.splitlines()[1:]]
    assert ["2", "1", "2", "2", "R", "tvm ps"] in rows


def test_program_status_is_process_status(forkless):
    assert run(forkless, "tvm").returncode == 2
    assert run(forkless, "tvm", "lsof").returncode == 0


def test_on_a_terminal_fd0_is_the_terminal(forkless):
    child = pexpect.spawn(forkless, ["tvm", "lsof"], timeout=10, encoding="utf-8")
    child.expect(r"\s2\s+0 CHR\s+rw?\s+/dev/pts/\d+")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
