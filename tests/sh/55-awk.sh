# awk in pipelines, with its own children: system(), output and input
# pipes, getline from a file, and its exit status.
echo a b c | awk '{ print $2, NF }'
printf '3 apples\n5 pears\n3 plums\n' | awk '{ n[$1]++ } END { for (k in n) print k, n[k] | "sort"; close("sort") }'
awk 'BEGIN { printf "%5.2f|%-4s|%x\n", 3.14159, "ab", 255 }'
awk 'BEGIN { system("echo from system; exit 3") }'
echo "status $?"
awk 'BEGIN { "echo piped in" | getline line; print "got:", line }'
printf 'one\ntwo\n' >awk-in.txt
awk 'BEGIN { while ((getline l < "awk-in.txt") > 0) print NR, l }'
rm -f awk-in.txt
awk 'BEGIN { exit 4 }'
echo "exit $?"
seq 1 1000 | awk '{ s += $1 } END { print s }'
awk -F: '$1 == "root" { print $7 != "" }' /etc/passwd
echo 'x' | awk '{ print substr("forkless", 5), toupper($0), length("abc") }'
awk 'BEGIN { print 1/0 }' 2>/dev/null
echo "div $?"
