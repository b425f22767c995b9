# script exit status: the status of the last command (a failing pipeline) becomes the shell's exit status
f() { echo "in f"; return 6; }
f; echo "f -> $?"
g() { ( exit 2 ); }
echo "a line" | while read -r l; do echo "read: $l"; done
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "loop done -> $?"
set -- 1 2 3
for x; do :; done
echo "for done -> $?"
if false; then :; fi; echo "if without else, false condition -> $?"
case nomatch in x) ;; esac; echo "case without match -> $?"
{ false; } ; echo "group -> $?"
x=$(g); echo "subst of g -> $?"
echo "the script ends with a pipeline whose last element fails with 5:"
echo data | { read -r d; echo "last stage read $d"; ( exit 5 ); }
