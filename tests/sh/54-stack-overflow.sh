# a subshell that recurses without end overflows its stack and dies of SIGSEGV; the shell goes on
( g() { g; }; g )
echo "subshell status $?"
x=$(h() { h; }; h)
echo "substitution status $? x=[$x]"
echo "still here"
