# set -e: inside functions, with || and && around function calls, set +e, and the final failure
set -e
g() { echo "g: step 1"; false; echo "g: step 2 (set -e ignored because g is in an || list)"; return 0; }
g || echo "never"
echo "after g ||"
h() { echo "h: before false"; false; echo "h: after false"; }
if h; then echo "h succeeded as if condition"; fi
k() { echo "k runs"; return 3; }
k && echo never || echo "k failed in && || list: ok"
set +e
k; echo "set +e: k -> $?"
set -e
m() { set +e; false; echo "m: set +e inside function, false -> $?"; set -e; }
m
r=$(set -e; echo "subst part 1"; false; echo "subst part 2") || echo "subst with || continues"
echo "subst got: [$r]"
r=$(echo "plain subst"; exit 0)
echo "subst got: [$r]"
n() { echo "n: about to fail"; ( exit 6 ); echo "n: not reached"; }
echo "calling n plainly"
n
echo "not reached"
