# exec redirections: exec 3>file, exec 4<file, appending, closing fds, writing to closed fds
cd "$TMPDIR_TEST" || exit 1
exec 3>out3.txt
echo "first line via fd 3" >&3
echo "second line via fd 3" >&3
( echo "from subshell via inherited fd 3" >&3 )
f() { echo "from function via fd 3" >&3; }
f
exec 3>&-
echo "out3.txt:"; while read -r l; do echo "  $l"; done < out3.txt
echo "closed fd 3, writing again:"
echo "lost" >&3
echo "status writing to closed fd: $?"
exec 4<out3.txt
read -r a <&4; read -r b <&4
echo "read from fd 4: [$a] [$b]"
( read -r c <&4; echo "subshell continues reading fd 4: [$c]" )
read -r d <&4; echo "parent after subshell read: [$d]"
exec 4<&-
read -r e <&4; echo "read from closed fd 4 -> $?"
exec 5>>out3.txt
echo "appended via fd 5" >&5
exec 5>&-
n=0; while read -r l; do n=$((n + 1)); done < out3.txt; echo "lines now: $n"
# dup an fd onto another
exec 6>dup.txt 7>&6
echo "via 6" >&6; echo "via 7" >&7
exec 6>&- 7>&-
echo "dup.txt: $(echo $(<dup.txt))"
# fd opened by exec is inherited by background jobs
exec 8>bg.txt
{ echo "bg writes to fd 8" >&8; } &
wait
exec 8>&-
echo "bg.txt: $(<bg.txt)"
# exec with a redirection but no command keeps the shell running
exec 9<out3.txt
read -r l <&9; echo "fd 9 first line: $l"
