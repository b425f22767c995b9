# set -e: exempt contexts (if, while, ||, &&, !) do not exit; a plain failing command exits with its status
set -e
echo "start"
if false; then echo no; else echo "false in if condition is fine"; fi
while false; do :; done; echo "false in while condition is fine"
false || echo "false || ... is fine"
false && echo never
echo "false && ... is fine (not last in list)"
! true
echo "! true is fine"
x=$(false) || echo "failing assignment with || is fine"
true && false || echo "true && false || ... is fine"
until true; do :; done
case x in x) echo "case is fine";; esac
f() { return 0; }
f; echo "function returning 0 is fine"
( exit 0 ); echo "subshell with 0 is fine"
echo "now a failing plain command with status 4"
( exit 4 )
echo "not reached"
