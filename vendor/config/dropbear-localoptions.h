/* forkless's dropbear options (dropbear reads this as localoptions.h,
 * after its default_options.h; docs/ssh.md says why for each). */

/* One user: the host user that runs forkless. No privilege changes, and
 * any other login name is refused as an unknown user is. */
#define DROPBEAR_SVR_MULTIUSER 0

/* The server forks per connection and does not re-execute itself:
 * re-exec goes through /proc/self/exe, which is forkless itself. */
#define DROPBEAR_REEXEC 0

/* Where the programs are inside forkless (Debian's paths). */
#define DROPBEAR_PATH_SSH_PROGRAM "/usr/bin/dbclient"
#define DEFAULT_PATH "/usr/bin:/bin"

/* Only algorithms ssh-audit does not fail (docs/ssh.md): no NIST-curve
 * key exchange, no finite-field group, no kex guessing; AES-GCM next to
 * chacha20-poly1305 and AES-CTR; SHA-2 MACs only (the defaults already
 * leave out SHA-1, CBC, 3DES and DSS). ECDSA and RSA stay compiled for
 * keys that users and other servers have; forkless sshd offers an ECDSA
 * or RSA host key only when asked. */
#define DROPBEAR_ECDH 0
#define DROPBEAR_DH_GROUP14_SHA256 0
#define DROPBEAR_KEXGUESS2 0
#define DROPBEAR_ENABLE_GCM_MODE 1
#define DROPBEAR_SHA2_512_HMAC 1

/* Connections still logging in, per client address and in all. Dropbear's
 * 5 and 30 drop the sixth simultaneous login from one address, which is
 * every login through a NAT or an ssh multiplexer and every test on
 * loopback. An unauthenticated connection costs one task; 128 stay well
 * under the runtime's task cap (TVM_MAX_TASKS, 1024), and the per-address
 * share still leaves room for other addresses when one floods. */
#define MAX_UNAUTH_PER_IP 64
#define MAX_UNAUTH_CLIENTS 128
