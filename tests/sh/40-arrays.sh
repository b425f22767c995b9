# arrays: set -A, a[i]=, ${a[@]}, ${#a[@]}, ${!a[@]}, sparse arrays, +A, quoting and iteration
set -A fruits apple banana cherry
echo "all: ${fruits[*]}"
echo "count: ${#fruits[@]} first: ${fruits[0]} plain: $fruits last: ${fruits[2]}"
fruits[1]=blueberry
fruits[5]=fig
echo "after assignments: ${fruits[*]} count ${#fruits[*]}"
echo "indices: ${!fruits[*]}"
echo "length of element 1: ${#fruits[1]}"
set +A fruits APPLE
echo "set +A overwrites from start: ${fruits[*]}"
set -A fruits x
echo "set -A replaces all: ${fruits[*]} count ${#fruits[*]}"
set -A words "two words" single "" end
for w in "${words[@]}"; do echo "  <$w>"; done
echo "quoted [*] joins: <${words[*]}>"
i=0; while [ $i -lt 5 ]; do sq[i]=$((i * i)); i=$((i + 1)); done
echo "squares: ${sq[*]}"
idx=3; echo "variable index: ${sq[idx]} ${sq[$idx]} arith index ${sq[idx - 1]}"
unset sq[2]
echo "after unset sq[2]: ${sq[*]} indices ${!sq[*]}"
unset sq
echo "after unset sq: count ${#sq[*]}"
copy() { set -A dst -- "${fruits[@]}" extra; echo "in function: ${dst[*]}"; }
copy
( fruits[0]=changed; echo "subshell: ${fruits[0]}" ); echo "parent: ${fruits[0]}"
set -A nums 5 3 9 1
max=0; for n in "${nums[@]}"; do [ $n -gt $max ] && max=$n; done; echo "max: $max"
set -A sorted -s 5 3 9 1 7
echo "set -s sorted: ${sorted[*]}"
typeset -i ints; ints[0]=1+1; ints[1]=2*3; echo "integer array: ${ints[*]}"
big[1000]=far; echo "sparse: ${#big[*]} ${!big[*]}"
echo "subscript out of range: [${fruits[99]}]"
set -A fromcmd $(echo one two three)
echo "from substitution: ${#fromcmd[*]} ${fromcmd[1]}"
