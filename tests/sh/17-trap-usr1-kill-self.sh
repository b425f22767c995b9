# traps: kill -USR1/-USR2/-HUP/-TERM to self with traps, trap listing, trap - resets
trap 'echo "got USR1"' USR1
trap 'echo "got USR2"' USR2
trap 'echo "got HUP"' HUP
trap 'echo "got TERM"' TERM
kill -USR1 $$; kill -USR2 $$; kill -HUP $$; kill -TERM $$
kill -s USR1 $$
kill -10 $$ 2>/dev/null || true
echo "listing:"
trap
h() { echo "handler function got $1"; }
trap 'h USR1' USR1
kill -USR1 $$
trap - USR2
echo "after reset USR2:"
trap
trap '' HUP
kill -HUP $$
echo "ignored HUP"
# a trap can send another signal to self
trap 'echo "in USR1"; kill -USR2 $$; echo "after USR2 sent"' USR1
trap 'echo "in USR2"' USR2
kill -USR1 $$
echo "nested handling done"
trap - TERM
kill -TERM $$
echo "not reached"
