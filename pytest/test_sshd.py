"""`forkless sshd` from the outside, with the stock OpenSSH client (ssh,
scp), pexpect for terminals, paramiko as a second, independent client, and
ssh-audit. Every server is a test's own, on a free loopback port, with its
home, state and client key in the test's temporary directory.

The first group re-creates the checks of the C system we started from
(banner, echo, scp up and down, interactive echo, backticks, SIGINT on a
blocking command, toybox cat and base64); the rest are ours.
"""
import json
import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import paramiko
import pexpect
import pytest
from keys import press, stacks

PROMPT = "scn$ "
USER = __import__("pwd").getpwuid(os.getuid()).pw_name


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running `forkless sshd`; `stop()` sends SIGTERM."""

    def __init__(self, forkless, base, keys=True, env=None, args=()):
        self.base = base
        self.home = base / "home"
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.home / ".profile").write_text(f"PS1='{PROMPT}'\nexport TMPDIR=$HOME\n")
        self.state = self.home / "state"
        self.key = base / "id_ed25519"
        if not self.key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.key)], check=True)
        self.known_hosts = base / "known_hosts"
        self.port = free_port()
        cmd = [forkless, "sshd", "-p", f"127.0.0.1:{self.port}", "--home", str(self.home),
               "--state-dir", str(self.state)]
        if keys:
            cmd += ["--authorized-keys", str(self.key) + ".pub"]
        cmd += list(args)
        full_env = {k: v for k, v in os.environ.items() if k != "FORKLESS_PASSWORD"}
        full_env.update(env or {})
        self.log = base / "sshd.log"
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=open(self.log, "wb"), env=full_env)
        self.wait_ready()

    def wait_ready(self):
        deadline = time.time() + 20
        while time.time() < deadline:
            assert self.proc.poll() is None, f"forkless sshd ended early: {self.log_text()}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    if s.recv(4) == b"SSH-":
                        return
            except OSError:
                pass
            time.sleep(0.05)
        pytest.fail(f"forkless sshd did not answer: {self.log_text()}")

    def log_text(self):
        return self.log.read_text(errors="replace")

    def opts(self, key=True):
        o = ["-F", "/dev/null", "-o", "StrictHostKeyChecking=accept-new",
             "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "LogLevel=ERROR"]
        if key:
            o += ["-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", str(self.key)]
        else:
            o += ["-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password"]
        return o

    def ssh_argv(self, *command, options=()):
        """The ssh command line that runs `command` here, with `options`."""
        return ["ssh", *self.opts(), "-p", str(self.port), *options, f"{USER}@127.0.0.1", *command]

    def ssh(self, *command, input=None, timeout=30):
        return subprocess.run(self.ssh_argv(*command), input=input, capture_output=True, timeout=timeout)

    def spawn(self, *command, key=True, dimensions=(24, 80)):
        args = [*self.opts(key), "-tt", "-p", str(self.port), f"{USER}@127.0.0.1", *command]
        env = dict(os.environ, TERM="xterm")
        return pexpect.spawn("ssh", args, timeout=15, encoding="utf-8", env=env, dimensions=dimensions)

    def scp(self, *args):
        return subprocess.run(["scp", "-O", *self.opts(), "-P", str(self.port), *args],
                              capture_output=True, timeout=60)

    def stop(self, limit=5):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=limit)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def server(forkless, tmp_path):
    s = Server(forkless, tmp_path)
    yield s
    s.close()


def remote(path):
    return f"{USER}@127.0.0.1:{path}"


# The C system's scenarios, written anew.

def test_banner(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        assert s.recv(64).startswith(b"SSH-2.0-dropbear_2025.89")


def test_connect_and_echo(server):
    r = server.ssh("echo hello from forkless")
    assert (r.returncode, r.stdout) == (0, b"hello from forkless\n"), r.stderr


def test_scp_upload_and_download(server, tmp_path):
    data = os.urandom(300_000)
    (tmp_path / "up.bin").write_bytes(data)
    r = server.scp(str(tmp_path / "up.bin"), remote(str(server.home / "there.bin")))
    assert r.returncode == 0, r.stderr
    assert (server.home / "there.bin").read_bytes() == data
    r = server.scp(remote(str(server.home / "there.bin")), str(tmp_path / "back.bin"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "back.bin").read_bytes() == data


def plain_scp(server, *args, timeout=120):
    """OpenSSH's scp without -O: it speaks SFTP to the server's sftp-server."""
    return subprocess.run(["scp", *server.opts(), "-P", str(server.port), *args], capture_output=True,
                          timeout=timeout)


def sftp_batch(server, batch, port=None, timeout=60):
    """`sftp -b -` with `batch` (text) on stdin, to `port` (the server's)."""
    return subprocess.run(["sftp", *server.opts(), "-P", str(port or server.port), "-b", "-", f"{USER}@127.0.0.1"],
                          input=batch.encode(), capture_output=True, timeout=timeout)


def test_scp_without_o_speaks_sftp(server, tmp_path):
    # OpenSSH's scp uses SFTP unless given -O: dropbear runs its sftp
    # subsystem, OpenSSH's sftp-server as a guest.
    data = os.urandom(10 << 20)
    (tmp_path / "up.bin").write_bytes(data)
    r = plain_scp(server, str(tmp_path / "up.bin"), remote(str(server.home / "there.bin")))
    assert r.returncode == 0, r.stderr
    assert (server.home / "there.bin").read_bytes() == data
    r = plain_scp(server, remote(str(server.home / "there.bin")), str(tmp_path / "back.bin"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "back.bin").read_bytes() == data


# Names a shell or a protocol could mangle: spaces, quotes, globs, a
# leading dash, a newline, a backslash, non-ASCII.
ODD_NAMES = ["with space", "quote'd", 'dq"x', "$HOME", "star*?", "-dash", "new\nline", "back\\slash", "ünï cödé"]


def odd_tree(root):
    """A tree of ODD_NAMES with distinct modes and times; returns what
    `snapshot` should find in a faithful copy."""
    root.mkdir()
    for i, name in enumerate(ODD_NAMES):
        d = root / f"dir {name}"
        d.mkdir()
        f = d / name
        f.write_bytes(os.urandom(1000 + i * 7919))
        f.chmod(0o600 + (i % 8) * 0o10)
        os.utime(f, (1_000_000_000 + i, 1_000_000_000 + 100 * i))
        os.utime(d, (1_200_000_000 + i, 1_200_000_000 + 100 * i))
    return snapshot(root)


def snapshot(root, times=True):
    """Every path under root with its kind, mode, mtime (unless not
    `times`) and bytes."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            data = open(p, "rb").read() if os.path.isfile(p) else None
            out[os.path.relpath(p, root)] = (st.st_mode, int(st.st_mtime) if times else None, data)
    return out


def test_scp_recursive_odd_names_keeps_modes_and_times(server, tmp_path):
    want = odd_tree(tmp_path / "tree")
    assert len(want) == 2 * len(ODD_NAMES)
    r = plain_scp(server, "-r", "-p", str(tmp_path / "tree"), remote(str(server.home / "copy")))
    assert r.returncode == 0, r.stderr
    assert snapshot(server.home / "copy") == want
    r = plain_scp(server, "-r", "-p", remote(str(server.home / "copy")), str(tmp_path / "back"))
    assert r.returncode == 0, r.stderr
    assert snapshot(tmp_path / "back") == want


def test_sftp_reget_resumes_a_download(server, tmp_path):
    data = os.urandom(4 << 20)
    (server.home / "big.bin").write_bytes(data)
    # A partial local copy whose first MiB is not the server's: a resumed
    # download keeps it, a fresh one would replace it.
    (tmp_path / "big.bin").write_bytes(bytes(1 << 20))
    r = sftp_batch(server, f"reget {server.home / 'big.bin'} {tmp_path / 'big.bin'}\n")
    assert r.returncode == 0, r.stderr
    got = (tmp_path / "big.bin").read_bytes()
    assert len(got) == len(data)
    assert got[: 1 << 20] == bytes(1 << 20) and got[1 << 20:] == data[1 << 20:]


def test_parallel_transfers(server, tmp_path):
    # Eight clients at once, each a 2 MiB upload and download over SFTP,
    # and four old-protocol (scp -O) ones beside them.
    blobs = [os.urandom((2 << 20) + i) for i in range(12)]
    for i, b in enumerate(blobs):
        (tmp_path / f"up{i}").write_bytes(b)
    scp = ["scp", *server.opts(), "-P", str(server.port)]
    procs = []
    for i in range(12):
        old = ["-O"] if i >= 8 else []
        batch = (f"{' '.join(scp + old)} {tmp_path / f'up{i}'} {remote(str(server.home / f'f{i}'))}"
                 f" && {' '.join(scp + old)} {remote(str(server.home / f'f{i}'))} {tmp_path / f'down{i}'}")
        procs.append(subprocess.Popen(["sh", "-c", batch], stderr=subprocess.PIPE))
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    for i, b in enumerate(blobs):
        assert (server.home / f"f{i}").read_bytes() == b
        assert (tmp_path / f"down{i}").read_bytes() == b


def test_sftp_batch(server, tmp_path):
    (tmp_path / "a.txt").write_text("alpha\n")
    batch = f"""cd {server.home}
mkdir d
put {tmp_path / "a.txt"} d/a.txt
rename d/a.txt d/b.txt
chmod 600 d/b.txt
symlink b.txt d/link
ls -1 d
get d/b.txt {tmp_path / "got.txt"}
rm d/link
"""
    r = sftp_batch(server, batch)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "got.txt").read_text() == "alpha\n"
    assert (server.home / "d" / "b.txt").stat().st_mode & 0o777 == 0o600
    assert sorted(os.listdir(server.home / "d")) == ["b.txt"]
    assert "d/b.txt" in r.stdout.decode() and "d/link" in r.stdout.decode()


def listening(port):
    """The addresses something listens on at TCP `port`, from the host's
    /proc/net (the runtime's sockets are host sockets)."""
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        try:
            rows = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            addr, p = local.split(":")
            if state == "0A" and int(p, 16) == port:
                raw = bytes.fromhex(addr)
                # Each 32-bit word is in the host's byte order.
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add(socket.inet_ntop(family, raw))
    return found


def wait_listening(port, limit=15):
    deadline = time.time() + limit
    while not listening(port):
        assert time.time() < deadline, f"nothing listens on port {port}"
        time.sleep(0.05)
    return listening(port)


def exchange(sock, data):
    """Sends data and half-closes while reading to EOF; returns what came."""
    got = []

    def reader():
        while chunk := sock.recv(1 << 16):
            got.append(chunk)

    t = threading.Thread(target=reader)
    t.start()
    sock.sendall(data)
    sock.shutdown(socket.SHUT_WR)
    t.join(60)
    assert not t.is_alive(), "the other side never closed"
    return b"".join(got)


def tunnel(server, *forward):
    """An `ssh -N` that holds `forward` (-L/-R arguments) open."""
    return subprocess.Popen(server.ssh_argv(options=("-N", "-o", "ExitOnForwardFailure=yes", *forward)),
                            stderr=subprocess.PIPE)


def test_local_forwarding_to_nc_inside(server):
    # ssh -L to toybox's nc -l, a task of the server: 1 MiB each way.
    there, back = os.urandom(1 << 20), os.urandom(1 << 20)
    (server.home / "back.bin").write_bytes(back)
    rport, lport = free_port(), free_port()
    t = tunnel(server, "-L", f"127.0.0.1:{lport}:127.0.0.1:{rport}")
    try:
        nc = subprocess.Popen(server.ssh_argv(f"nc -l -s 127.0.0.1 -p {rport} < back.bin > there.bin"),
                              stderr=subprocess.PIPE)
        assert wait_listening(rport) == {"127.0.0.1"}
        wait_listening(lport)
        with socket.create_connection(("127.0.0.1", lport), timeout=30) as s:
            assert exchange(s, there) == back
        assert nc.wait(timeout=30) == 0, nc.stderr.read()
        assert (server.home / "there.bin").read_bytes() == there
    finally:
        t.terminate()
        t.wait()


def test_remote_forwarding_to_a_host_server(server):
    # ssh -R: nc inside forkless connects to the forwarded port, and the
    # tunnel reaches a server of the test's: 1 MiB each way.
    there, back = os.urandom(1 << 20), os.urandom(1 << 20)
    (server.home / "there.bin").write_bytes(there)
    got = []
    with socket.socket() as lst:
        lst.bind(("127.0.0.1", 0))
        lst.listen()
        hport, rport = lst.getsockname()[1], free_port()

        def serve():
            conn, _ = lst.accept()
            with conn:
                got.append(exchange(conn, back))

        srv = threading.Thread(target=serve)
        srv.start()
        r = subprocess.run(server.ssh_argv(f"nc 127.0.0.1 {rport} < there.bin > back.bin",
                                           options=("-o", "ExitOnForwardFailure=yes",
                                                    "-R", f"{rport}:127.0.0.1:{hport}")),
                           capture_output=True, timeout=60)
        srv.join(30)
    assert r.returncode == 0, r.stderr
    assert got == [there]
    assert (server.home / "back.bin").read_bytes() == back


def test_remote_forwards_bind_loopback_unless_gateway_ports(forkless, tmp_path):
    # The client asks for every address; the server binds loopback only,
    # unless started with --gateway-ports.
    for args, want in (((), {"127.0.0.1", "::1"}), (("--gateway-ports",), {"0.0.0.0"})):
        s = Server(forkless, tmp_path / ("g" if args else "d"), args=args)
        try:
            port = free_port()
            t = tunnel(s, "-R", f"0.0.0.0:{port}:127.0.0.1:9")
            try:
                wait_listening(port)
                time.sleep(0.3)
                assert listening(port) and listening(port) <= want, listening(port)
            finally:
                t.terminate()
                t.wait()
        finally:
            s.close()


def test_no_port_forwarding_refuses_both(forkless, tmp_path):
    s = Server(forkless, tmp_path, args=["--no-port-forwarding"])
    try:
        r = subprocess.run(s.ssh_argv("echo ran", options=("-o", "ExitOnForwardFailure=yes",
                                                           "-R", f"{free_port()}:127.0.0.1:9")),
                           capture_output=True, timeout=30)
        assert r.returncode == 255 and b"ran" not in r.stdout, r
        assert b"remote port forwarding failed" in r.stderr, r.stderr
        with socket.socket() as target:
            target.bind(("127.0.0.1", 0))
            target.listen()
            lport = free_port()
            t = tunnel(s, "-L", f"127.0.0.1:{lport}:127.0.0.1:{target.getsockname()[1]}")
            try:
                wait_listening(lport)
                # Refused: the client closes the connection at once, and
                # the target is never reached.
                with socket.create_connection(("127.0.0.1", lport), timeout=10) as c:
                    c.settimeout(10)
                    assert c.recv(1) == b""
                target.setblocking(False)
                with pytest.raises(BlockingIOError):
                    target.accept()
            finally:
                t.terminate()
                t.wait()
    finally:
        s.close()


def test_dbclient_inside_forwards_too(server):
    # The ssh client inside forkless (dbclient) holds a -L tunnel to an nc
    # -l inside, and an nc inside talks through it: 1 MiB each way.
    setup = "dropbearkey -t ed25519 -f inner_key | grep '^ssh-ed25519' >> state/authorized-keys.d/authorized_keys"
    assert server.ssh(setup).returncode == 0
    there, back = os.urandom(1 << 20), os.urandom(1 << 20)
    (server.home / "there.bin").write_bytes(there)
    (server.home / "back.bin").write_bytes(back)
    rport, lport = free_port(), free_port()
    t = subprocess.Popen(server.ssh_argv(f"exec ssh -y -i inner_key -p {server.port} -N"
                                         f" -L 127.0.0.1:{lport}:127.0.0.1:{rport} {USER}@127.0.0.1"),
                         stderr=subprocess.PIPE)
    try:
        nc = subprocess.Popen(server.ssh_argv(f"nc -l -s 127.0.0.1 -p {rport} < back.bin > there.got"),
                              stderr=subprocess.PIPE)
        wait_listening(rport)
        wait_listening(lport)
        r = server.ssh(f"nc 127.0.0.1 {lport} < there.bin > back.got", timeout=60)
        assert r.returncode == 0, r.stderr
        assert nc.wait(timeout=30) == 0, nc.stderr.read()
        assert (server.home / "there.got").read_bytes() == there
        assert (server.home / "back.got").read_bytes() == back
    finally:
        t.terminate()
        t.wait()


def test_agent_forwarding_only_when_enabled(forkless, tmp_path):
    # A forwarded agent lets a session log in onward with the client's key
    # (dbclient reads SSH_AUTH_SOCK); off unless --agent-forwarding. Its
    # socket is $TMPDIR/dropbear-X{8}/auth-X{8}-FD, and a TMPDIR too long
    # for sun_path (108 bytes) refuses the agent rather than use /tmp.
    # The agent's own socket is named relative to its directory (the
    # clients run there too), so a long temporary path cannot exceed
    # sun_path for it.
    agent_dir = tmp_path / "a"
    agent_dir.mkdir()
    sock = agent_dir / "s"
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", "s"], cwd=agent_dir, stdout=subprocess.DEVNULL)
    long_tmp = tmp_path / ("t" * 70)
    long_tmp.mkdir()
    try:
        deadline = time.time() + 10
        while not sock.exists():
            assert time.time() < deadline, "ssh-agent did not start"
            time.sleep(0.05)
        env = dict(os.environ, SSH_AUTH_SOCK="s")
        for name, args, tmp in (("off", (), os.environ["TMPDIR"]), ("on", ("--agent-forwarding",), os.environ["TMPDIR"]),
                                ("long", ("--agent-forwarding",), str(long_tmp))):
            s = Server(forkless, tmp_path / name, args=args, env={"TMPDIR": tmp})
            try:
                r = subprocess.run(["ssh-add", "-q", str(s.key)], env=env, cwd=agent_dir, capture_output=True,
                                   timeout=10)
                assert r.returncode == 0, r.stderr
                onward = f"ssh -y -p {s.port} {USER}@127.0.0.1 echo onward"
                r = subprocess.run(s.ssh_argv(f'echo "[$SSH_AUTH_SOCK]"; {onward} </dev/null', options=("-A",)),
                                   env=env, cwd=agent_dir, capture_output=True, timeout=60)
                out = r.stdout.decode().splitlines()
                fits = len(tmp) + len("/dropbear-12345678/auth-12345678-2147483647") < 108
                if args and fits:
                    assert r.returncode == 0, r.stderr
                    assert re.fullmatch(r"\[.*/dropbear-[0-9a-f]{8}/auth-[0-9a-f]{8}-\d+\]", out[0]), out
                    assert out[0][1:].startswith(tmp + "/dropbear-"), out
                    assert out[1:] == ["onward"]
                else:
                    assert out == ["[]"] and r.returncode != 0, (name, out, r.stderr)
                if args and not fits:
                    assert "Agent forwarding refused: TMPDIR must be" in s.log_text(), s.log_text()
                assert name != "long" or not fits
                # The agent's directory goes with the session.
                deadline = time.time() + 10
                while list(pathlib.Path(tmp).glob("dropbear-*")):
                    assert time.time() < deadline, "the agent's directory outlived its session"
                    time.sleep(0.05)
            finally:
                s.close()
    finally:
        agent.terminate()
        agent.wait()


class NativeServer:
    """The native build of the same dropbear (FORKLESS_NATIVE_DROPBEAR),
    whose sftp subsystem is the native build of the same sftp-server, on
    another port with the forkless server's host key and client key.
    dropbear takes the home and shell from the user database and checks
    the keys file's directories up to the home, so it runs in a mount
    namespace where copies of /etc/passwd and /etc/shells give the user
    `home` and the native mksh."""

    def __init__(self, server, base):
        dropbear, mksh = os.environ.get("FORKLESS_NATIVE_DROPBEAR"), os.environ.get("FORKLESS_NATIVE_MKSH")
        if not dropbear or not mksh:
            pytest.fail("set FORKLESS_NATIVE_DROPBEAR and FORKLESS_NATIVE_MKSH (cargo test does)")
        probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "mount", "--bind", "/", "/"],
                               capture_output=True)
        if probe.returncode != 0:
            pytest.skip(f"no mount namespace for the native server (not root?): {probe.stderr!r}")
        base.mkdir()
        self.home = base / "home"
        self.home.mkdir(mode=0o700)
        keys = self.home / "keys"
        keys.mkdir(mode=0o700)
        (keys / "authorized_keys").write_bytes((server.key.parent / (server.key.name + ".pub")).read_bytes())
        lines = []
        for line in open("/etc/passwd").read().splitlines():
            f = line.split(":")
            if len(f) == 7 and f[0] == USER:
                f[5], f[6] = str(self.home), mksh
            lines.append(":".join(f))
        (base / "passwd").write_text("\n".join(lines) + "\n")
        shells = open("/etc/shells").read() if os.path.exists("/etc/shells") else ""
        (base / "shells").write_text(shells + mksh + "\n")
        (base / "dropbear").symlink_to(dropbear)
        self.server, self.port = server, free_port()
        self.log = base / "native.log"
        self.proc = subprocess.Popen(
            ["unshare", "--mount", "--propagation", "private", "sh", "-c",
             'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/shells && shift 2 && exec "$@"', "sh",
             str(base / "passwd"), str(base / "shells"), str(base / "dropbear"), "-F", "-m",
             "-p", f"127.0.0.1:{self.port}", "-r", str(server.state / "dropbear_ed25519_host_key"),
             "-D", str(keys), "-P", str(base / "native.pid")],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=open(self.log, "wb"))
        deadline = time.time() + 10
        while True:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                return
            except OSError:
                assert time.time() < deadline, "native dropbear did not listen"
                time.sleep(0.05)

    def close(self):
        self.proc.kill()
        self.proc.wait()


# Every kind of request, and the errors (a leading "-" lets the batch go
# on): what the client prints and what the tree ends as must not differ.
SFTP_BATCH = """cd WORK
pwd
version
mkdir d
-mkdir d
-cd nowhere
put -p SRC/a.txt d/a.txt
put SRC/big.bin big.bin
ls -ln d
rename d/a.txt d/b.txt
-rename d/none d/c
chmod 600 d/b.txt
-chmod 600 d/none
symlink b.txt d/link
ln d/b.txt d/hard
ls -1 d
ls -ln d/hard
-rm d/none
-rmdir d
get -p d/b.txt OUT/b.txt
get big.bin OUT/big.bin
reget big.bin OUT/part.bin
rm d/link
rm d/hard
-get nothing OUT/nothing
mkdir e
rmdir e
ls -1
"""


def test_sftp_batch_matches_native(server, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("alpha\n")
    (src / "a.txt").chmod(0o640)
    os.utime(src / "a.txt", (981_173_106, 981_173_106))
    big = os.urandom(3 << 20)
    (src / "big.bin").write_bytes(big)
    native = NativeServer(server, tmp_path / "native")
    try:
        results = []
        for name, port in (("forkless", server.port), ("native", native.port)):
            work, out = server.home / f"work-{name}", tmp_path / f"out-{name}"
            work.mkdir()
            out.mkdir()
            (out / "part.bin").write_bytes(big[: 1 << 20])
            batch = SFTP_BATCH.replace("WORK", str(work)).replace("SRC", str(src)).replace("OUT", str(out))
            r = sftp_batch(server, batch, port)
            assert r.returncode == 0, (name, r.stderr)

            def norm(b):
                return b.decode().replace(str(work), "WORK").replace(str(out), "OUT").replace(str(src), "SRC")

            # Only what -p copied keeps its time; the rest is "now".
            assert int((work / "d" / "b.txt").stat().st_mtime) == 981_173_106
            assert int((out / "b.txt").stat().st_mtime) == 981_173_106
            results.append((r.returncode, norm(r.stdout), norm(r.stderr), snapshot(work, False), snapshot(out, False)))
        fk, nat = results
        assert fk[0] == 0, fk[2]
        assert "Remote working directory: WORK" in fk[1] and "-rw-r-----" in fk[1], fk[1]
        assert "No such file" in fk[2] or "not found" in fk[2], fk[2]
        for part, a, b in zip(("status", "stdout", "stderr", "remote tree", "local tree"), fk, nat):
            assert a == b, f"{part} differs from native:\nforkless: {a!r}\nnative:   {b!r}"
        assert fk[4]["big.bin"][2] == big and fk[4]["part.bin"][2] == big
    finally:
        native.close()


def test_interactive_echo(server):
    c = server.spawn()
    c.expect_exact(PROMPT)
    c.sendline("echo inter''active")
    c.expect_exact("interactive\r\n")
    c.expect_exact(PROMPT)
    c.sendline("exit")
    c.expect(pexpect.EOF)


def test_backtick_concatenation(server):
    r = server.ssh("echo `echo con`cat`echo enation`")
    assert r.stdout == b"concatenation\n", r.stderr


def test_sigint_on_a_blocking_command(server):
    c = server.spawn()
    c.expect_exact(PROMPT)
    c.sendline("sleep 100")
    time.sleep(0.5)
    press(c, "c", PROMPT, forkless_pid=server.proc.pid)
    c.sendline("echo rc=$?")
    c.expect_exact("rc=130")
    c.sendline("exit")
    c.expect(pexpect.EOF)


def test_toybox_cat_and_base64(server):
    (server.home / "f.txt").write_text("one\ntwo\n")
    r = server.ssh("cat f.txt; echo hi | base64; echo aGkK | base64 -d")
    assert r.stdout == b"one\ntwo\naGkK\nhi\n", r.stderr


# Ours.

def test_exit_status_reaches_the_client(server):
    assert server.ssh("exit 42").returncode == 42
    assert server.ssh("false").returncode == 1
    assert server.ssh("no-such-command").returncode == 127


def test_one_mebibyte_through_cat(server):
    data = os.urandom(1 << 20)
    r = server.ssh("cat", input=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout == data


def test_stdin_stdout_stderr_are_separate_pipes(server):
    r = server.ssh("read x; echo out:$x; echo err:$x >&2; [ -t 0 ] || echo not-a-tty", input=b"v\n")
    assert r.stdout == b"out:v\nnot-a-tty\n"
    assert r.stderr == b"err:v\n"


def test_login_environment(server):
    r = server.ssh("echo $HOME; echo $USER; echo $SHELL; echo ${SSH_CONNECTION%% *}")
    assert r.stdout.decode().split("\n")[:4] == [str(server.home), USER, "/bin/sh", "127.0.0.1"]


def password_login(server, password, command="echo logged-in"):
    c = server.spawn(command, key=False)
    c.expect("password:")
    c.sendline(password)
    i = c.expect(["password:", pexpect.EOF], timeout=15)
    out = c.before
    c.close(force=True)
    return i == 1, out


def test_wrong_password_refused_then_right_one_works(forkless, tmp_path):
    s = Server(forkless, tmp_path, keys=False, env={"FORKLESS_PASSWORD": "correct horse"})
    try:
        ok, _ = password_login(s, "wrong horse")
        assert not ok
        ok, out = password_login(s, "correct horse")
        assert ok and "logged-in" in out
        assert "correct horse" not in s.log_text()
    finally:
        s.close()


def test_password_file(forkless, tmp_path):
    (tmp_path / "pw").write_text("from a file\n")
    s = Server(forkless, tmp_path, keys=False, args=["--password-file", str(tmp_path / "pw")])
    try:
        assert password_login(s, "from a file")[0]
    finally:
        s.close()


def test_one_time_password_when_nothing_is_configured(forkless, tmp_path):
    s = Server(forkless, tmp_path, keys=False)
    try:
        m = re.search(r"one-time password for (\S+): (\S+)", s.log_text())
        assert m, s.log_text()
        assert m.group(1) == USER and len(m.group(2)) >= 20
        assert s.log_text().count(m.group(2)) == 1
        assert password_login(s, m.group(2))[0]
        # A different last character (the password may end in "x" itself).
        wrong = m.group(2)[:-1] + ("y" if m.group(2).endswith("x") else "x")
        assert not password_login(s, wrong)[0]
    finally:
        s.close()
    # A new start, a new password.
    s = Server(forkless, tmp_path, keys=False)
    try:
        assert m.group(2) not in s.log_text()
    finally:
        s.close()


def fingerprints(log):
    return re.findall(r"host key (SHA256:\S+)", log)


def test_host_keys_private_and_kept_across_restarts(forkless, tmp_path):
    s = Server(forkless, tmp_path)
    first = fingerprints(s.log_text())
    assert s.stop() == 0
    assert oct(os.stat(s.state).st_mode & 0o777) == "0o700"
    keys = sorted(p for p in os.listdir(s.state) if p.endswith("_host_key"))
    assert keys == ["dropbear_ed25519_host_key"]
    assert oct(os.stat(s.state / keys[0]).st_mode & 0o777) == "0o600"
    s = Server(forkless, tmp_path)
    try:
        assert fingerprints(s.log_text()) == first and len(first) == 1
        assert "made the" not in s.log_text()
    finally:
        s.close()


def test_stty_size_is_the_clients_window(server):
    c = server.spawn(dimensions=(33, 101))
    c.expect_exact(PROMPT)
    c.sendline("stty size")
    c.expect_exact("33 101")
    c.setwinsize(40, 120)
    time.sleep(0.3)
    c.sendline("stty size")
    c.expect_exact("40 120")
    c.sendline("exit")
    c.expect(pexpect.EOF)


def test_cd_in_one_session_does_not_move_another(server):
    a = server.spawn()
    a.expect_exact(PROMPT)
    a.sendline("cd /usr/bin && pwd")
    a.expect_exact("/usr/bin\r\n")
    r = server.ssh("pwd")
    assert r.stdout.decode().strip() == str(server.home)
    a.sendline("pwd")
    a.expect_exact("/usr/bin\r\n")
    a.sendline("exit")
    a.expect(pexpect.EOF)


def test_who_w_and_uptime_list_the_pty_sessions(server):
    # dropbear records a login when a session gets its pty and a logout
    # when it ends (pututxline, into the runtime's own utmp); a session
    # without a pty, like the `ssh HOST who` that looks, is not a login.
    a = server.spawn()
    a.expect_exact(PROMPT)
    a.sendline("tty")
    a.expect(r"/dev/(pts/\d+)\r\n")
    line = a.match.group(1)
    a.expect_exact(PROMPT)
    who = server.ssh("who").stdout.decode().splitlines()
    assert len(who) == 1, who
    assert re.fullmatch(rf"{re.escape(USER)}\t{line}\t\d{{4}}-\d\d-\d\d \d\d:\d\d \(127\.0\.0\.1\)", who[0]), who
    w = server.ssh("w").stdout.decode().splitlines()
    assert len(w) == 2 and w[0].startswith("USER") and w[1].split()[:2] == [USER[:8], line], w
    assert " 1 user," in server.ssh("uptime").stdout.decode()
    a.sendline("exit")
    a.expect(pexpect.EOF)
    deadline = time.time() + 10
    while server.ssh("who").stdout.decode() and time.time() < deadline:
        time.sleep(0.2)
    assert server.ssh("who").stdout.decode() == ""
    assert " 0 users," in server.ssh("uptime").stdout.decode()


def test_ctrl_z_jobs_and_kill_over_ssh(server):
    c = server.spawn()
    c.expect_exact(PROMPT)
    c.sendline("sleep 100")
    time.sleep(0.5)
    press(c, "z", "Stopped", forkless_pid=server.proc.pid)
    c.expect_exact(PROMPT)
    c.sendline("jobs")
    c.expect(r"\[1\] \+ Stopped")
    c.sendline("kill %1")
    c.expect_exact(PROMPT)
    c.sendline("jobs; echo done")
    c.expect("Terminated")
    c.expect_exact("done")
    c.sendline("exit")
    c.expect(pexpect.EOF)


def test_disconnect_hangs_up_the_session(server):
    c = server.spawn()
    c.expect_exact(PROMPT)
    c.sendline("sleep 300")
    time.sleep(0.5)
    c.close(force=True)
    deadline = time.time() + 10
    while time.time() < deadline:
        table = server.ssh("tvm ps").stdout.decode()
        if "sleep 300" not in table:
            return
        time.sleep(0.2)
    pytest.fail(f"sleep 300 outlived its session:\n{table}\n{stacks(server.proc.pid)}")


def test_paramiko_exec_and_interactive(server):
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    key = paramiko.Ed25519Key.from_private_key_file(str(server.key))
    client.connect("127.0.0.1", port=server.port, username=USER, pkey=key, look_for_keys=False,
                   allow_agent=False, timeout=10)
    try:
        _, out, err = client.exec_command("echo from-paramiko; exit 3")
        assert out.read() == b"from-paramiko\n"
        assert out.channel.recv_exit_status() == 3
        chan = client.invoke_shell(term="xterm", width=90, height=20)
        chan.settimeout(10)
        buf = b""
        chan.send(b"stty size; exit\n")
        while not chan.exit_status_ready() or chan.recv_ready():
            data = chan.recv(4096)
            if not data:
                break
            buf += data
        assert b"20 90" in buf
    finally:
        client.close()


def test_ssh_audit_finds_no_failure(server):
    r = subprocess.run([sys.executable, "-m", "ssh_audit", "--skip-rate-test", "-j", "-p", str(server.port),
                        "127.0.0.1"], capture_output=True, timeout=60)
    report = json.loads(r.stdout)
    failed = [(section, a["algorithm"]) for section in ("kex", "key", "enc", "mac")
              for a in report.get(section, []) if a.get("notes", {}).get("fail")]
    assert failed == []
    assert "critical" not in report.get("recommendations", {})
    assert [a["algorithm"] for a in report["key"]] == ["ssh-ed25519"]
    assert any(a["algorithm"] == "kex-strict-s-v00@openssh.com" for a in report["kex"])


def test_sigterm_with_sessions_open(server):
    clients = [server.spawn() for _ in range(3)]
    for c in clients:
        c.expect_exact(PROMPT)
        c.sendline("sleep 300")
    time.sleep(0.5)
    start = time.time()
    assert server.stop(limit=5) == 0
    assert time.time() - start < 2
    for c in clients:
        c.expect(pexpect.EOF, timeout=5)
    log = server.log_text()
    # Each session is a dropbear, a shell and a sleep: all hung up, and all
    # gone (on their own, or killed after a second) before the server.
    m = re.search(r"stopping: hung up (\d+) session tasks \((\d+) killed after 1 s\)", log)
    assert m and int(m.group(1)) >= 9, log


def test_restart_on_the_same_port_at_once(forkless, tmp_path):
    s = Server(forkless, tmp_path)
    port = s.port
    assert s.ssh("true").returncode == 0
    assert s.stop() == 0
    r = subprocess.Popen([forkless, "sshd", "-p", f"127.0.0.1:{port}", "--home", str(s.home),
                          "--state-dir", str(s.state), "--authorized-keys", str(s.key) + ".pub"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                assert r.poll() is None, r.stderr.read()
                time.sleep(0.05)
        s.proc = r
        assert s.ssh("echo again").stdout == b"again\n"
    finally:
        r.send_signal(signal.SIGTERM)
        assert r.wait(timeout=5) == 0


def test_bad_options_and_busy_port(forkless, tmp_path):
    for args in (["--no-such-option"], ["-p", "0"], ["-p", "host:22"], ["--home", str(tmp_path / "none")]):
        r = subprocess.run([forkless, "sshd", "--state-dir", str(tmp_path / "st"), *args],
                           capture_output=True, timeout=10)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stderr.count(b"\n") == 1 and r.stderr.startswith(b"forkless sshd: "), r.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run([forkless, "sshd", "-p", f"127.0.0.1:{port}", "--state-dir", str(tmp_path / "st")],
                           capture_output=True, timeout=10, env=dict(os.environ, FORKLESS_PASSWORD="x"))
        assert r.returncode == 1
        assert r.stderr == f"forkless sshd: cannot listen on 127.0.0.1:{port}: address already in use\n".encode()


def test_ssh_and_scp_inside_forkless(server):
    """dbclient (as `ssh`) connects out to the same server, and dropbear's
    scp copies both ways, with -r and -p."""
    setup = ("dropbearkey -t ed25519 -f inner_key | grep '^ssh-ed25519' >> state/authorized-keys.d/authorized_keys"
             " && mkdir -p tree/sub && echo a > tree/sub/f && chmod 640 tree/sub/f && touch -d 2001-02-03T04:05:06 tree/sub/f")
    assert server.ssh(setup).returncode == 0
    port = str(server.port)
    target = f"{USER}@127.0.0.1"
    r = server.ssh(f"ssh -y -i inner_key -p {port} {target} 'echo inner; exit 9'")
    assert (r.returncode, r.stdout) == (9, b"inner\n"), r.stderr
    r = server.ssh(f"scp -S /usr/bin/dbclient -i inner_key -P {port} -r -p tree {target}:copy"
                   f" && scp -i inner_key -P {port} {target}:copy/sub/f back"
                   " && cat back && stat -c '%a %Y' copy/sub/f")
    assert r.returncode == 0, r.stderr
    assert r.stdout == b"a\n640 981173106\n", r.stdout


def test_ctrl_c_on_the_servers_terminal_stops_it_in_order(forkless, tmp_path):
    """On a terminal, forkless sshd leaves it as it is: Ctrl-C is SIGINT to
    forkless, which hangs up the sessions and exits 0."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    port = free_port()
    c = pexpect.spawn(forkless, ["sshd", "-p", f"127.0.0.1:{port}", "--home", str(home),
                                 "--state-dir", str(home / "state")],
                      env=dict(os.environ, FORKLESS_PASSWORD="x"), encoding="utf-8", timeout=15)
    c.expect("Not backgrounding")
    c.sendcontrol("c")
    c.expect("stopping: hung up")
    c.expect(pexpect.EOF)
    c.close()
    assert (c.exitstatus, c.signalstatus) == (0, None)
