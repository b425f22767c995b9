# fork-heavy loops: pipelines inside loops, summing results passed through pipes
sum=0; i=0
while [ $i -lt 50 ]; do
	v=$(echo $i | { read x; echo $((x + 1)); } | { read y; echo $((y * 2)); })
	sum=$((sum + v))
	i=$((i + 1))
done
echo "sum through 50 three-stage pipelines: $sum"
ok=0; i=0
while [ $i -lt 40 ]; do
	echo "a b c" | read p q r
	( exit $((i % 3)) ) | true && ok=$((ok + 1))
	i=$((i + 1))
done
echo "ok count: $ok"
st=0; i=0
while [ $i -lt 30 ]; do
	true | ( exit $((i % 5)) ); st=$((st + $?))
	i=$((i + 1))
done
echo "sum of pipeline statuses: $st"
# a loop that is itself a pipeline stage, feeding another loop
i=0
while [ $i -lt 200 ]; do echo $i; i=$((i + 1)); done |
	while read n; do [ $((n % 2)) = 0 ] && echo $n; done |
	{ s=0; c=0; while read n; do s=$((s + n)); c=$((c + 1)); done; echo "even numbers: $c, sum $s"; }
# pipelines of functions in a loop
inc() { read x; echo $((x + 1)); }
v=0; i=0
while [ $i -lt 25 ]; do v=$(echo $v | inc | inc); i=$((i + 1)); done
echo "v after 25 double increments: $v"
