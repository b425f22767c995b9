# fork-heavy loops: 300 subshells, each returning a value through its exit status, summed
sum=0; i=0; v=0
while [ $i -lt 300 ]; do
	( v=$i; exit $((i % 256)) )
	sum=$((sum + $?))
	i=$((i + 1))
done
echo "sum of 300 subshell statuses: $sum"
echo "v after loop (assignments in subshells never leak): $v"
[ $sum -eq 33586 ] && echo "sum matches the expected value"
[ $i -eq 300 ] && echo "loop counter in the parent reached 300"
