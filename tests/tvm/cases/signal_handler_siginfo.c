/* A handler runs with the right signal number and siginfo (sender pid and
 * uid, SI_USER for kill, SI_TKILL for raise); raise delivers before it
 * returns; sa_mask and the signal itself are blocked during the handler;
 * SA_NODEFER and SA_RESETHAND. */
#include "tvmtest.h"
#include <signal.h>

static volatile sig_atomic_t got_sig, got_code, got_pid, got_uid, during_blocked, nested, resets;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_pid = si->si_pid;
    got_uid = (sig_atomic_t)si->si_uid;
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    during_blocked = sigismember(&now, SIGUSR1) * 10 + sigismember(&now, SIGUSR2);
}

static void recursive(int sig)
{
    if (nested++ == 0)
        raise(sig); /* SA_NODEFER: delivered right away, inside this handler */
}

static void once(int sig)
{
    (void)sig;
    resets++;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = info_handler;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK_OK(sigaction(SIGUSR1, &sa, NULL));

    CHECK_OK(raise(SIGUSR1));
    CHECK_EQ(got_sig, SIGUSR1);
    CHECK_EQ(got_code, SI_TKILL);
    CHECK_EQ(got_pid, getpid());
    CHECK_EQ(got_uid, getuid());
    CHECK_EQ(during_blocked, 11);
    sigset_t now;
    sigprocmask(SIG_BLOCK, NULL, &now);
    CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2));

    /* From another task with kill: SI_USER and its pid. */
    got_sig = 0;
    int p[2];
    CHECK_OK(pipe(p));
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        kill(parent, SIGUSR1);
        _exit(0);
    }
    while (got_sig == 0)
        CHECK_EQ(read(p[0], &now, 0), 0); /* a runtime call: delivery point */
    CHECK_EQ(got_code, SI_USER);
    CHECK_EQ(got_pid, pid);
    CHECK_EQ(wait_exit(pid), 0);

    sa.sa_handler = recursive;
    sa.sa_flags = SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    CHECK_OK(sigaction(SIGUSR2, &sa, NULL));
    raise(SIGUSR2);
    CHECK_EQ(nested, 2);

    sa.sa_handler = once;
    sa.sa_flags = SA_RESETHAND;
    CHECK_OK(sigaction(SIGHUP, &sa, NULL));
    raise(SIGHUP);
    CHECK_EQ(resets, 1);
    CHECK(signal(SIGHUP, SIG_DFL) == SIG_DFL);
    return 0;
}
