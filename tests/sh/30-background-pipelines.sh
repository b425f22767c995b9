# background jobs: background pipelines, jobs with redirections, background inside subshells
cd "$TMPDIR_TEST" || exit 1
gen() { typeset i=0; while [ $i -lt $1 ]; do echo $i; i=$((i + 1)); done; }
add() { typeset s=0; while read n; do s=$((s + n)); done; echo $s; }
gen 100 | add > p1.out & a=$!
gen 1000 | add > p2.out & b=$!
gen 10 | { add; echo extra; } > p3.out 2>&1 & c=$!
wait $a $b $c
echo "p1=$(<p1.out) p2=$(<p2.out) p3=[$(<p3.out)]"
# a background job whose stderr goes to a file
{ echo out; echo err >&2; } > bo.out 2> be.out &
wait
echo "stdout file: $(<bo.out), stderr file: $(<be.out)"
# background jobs started from inside a subshell, waited there
( gen 5 > s1.out & gen 3 > s2.out & wait; echo "inner waited" > s3.out )
echo "s1 words: $(echo $(<s1.out)) s2 words: $(echo $(<s2.out)) s3: $(<s3.out)"
# a background job reads from a here-document
while read -r l; do echo "bg read: $l"; done > hd.out <<EOT &
first
second
EOT
wait $!
echo "heredoc bg job: $(echo $(<hd.out))"
# background job stdin is /dev/null for non-interactive shells unless redirected
{ read x; echo "bg stdin read status $? [$x]"; } > stdin.out &
wait
echo "$(<stdin.out)"
# background job inherits variables at the time it starts
v=before
{ echo "bg sees v=$v" > v.out; } &
v=after
wait
echo "$(<v.out); main has v=$v"
