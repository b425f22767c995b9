# fork-heavy loops: 200+ command substitutions in a loop, summing their results
sum=0; i=1
while [ $i -le 200 ]; do
	v=$(echo $((i * 2)))
	sum=$((sum + v))
	i=$((i + 1))
done
echo "sum of 200 substitutions: $sum"
sq() { echo $(($1 * $1)); }
total=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	for j in 1 2 3 4 5 6 7 8 9 10; do
		total=$((total + $(sq $j) + `echo $i`))
	done
done
echo "total over 100 loop iterations with nested/backquote substitutions: $total"
# nested substitutions in a loop
acc=
i=0
while [ $i -lt 30 ]; do
	acc=$(echo "$(echo $acc)x")
	i=$((i + 1))
done
echo "acc length: ${#acc}"
# substitution output with many lines in a loop
i=0; lines=0
while [ $i -lt 30 ]; do
	set -- $(j=0; while [ $j -lt $i ]; do echo w$j; j=$((j + 1)); done)
	lines=$((lines + $#))
	i=$((i + 1))
done
echo "words across 30 substitutions: $lines"
