# redirections: order of 2>&1 vs >file, fd duplication, redirection on builtins/functions/subshells
cd "$TMPDIR_TEST" || exit 1
both() { echo "to stdout"; echo "to stderr" >&2; }
both > a.txt 2>&1
echo "a.txt (>f 2>&1): $(echo $(<a.txt))"
both 2>&1 > b.txt | { while read -r l; do echo "piped: $l"; done; }
echo "b.txt (2>&1 >f): $(echo $(<b.txt))"
both 2>/dev/null
both >/dev/null 2>&1; echo "all silenced"
both 2>&1 >/dev/null | { read -r l; echo "only stderr through pipe: $l"; }
both 3>&1 1>&2 2>&3 3>&- | { read -r l; echo "swapped stdout/stderr, pipe got: $l"; }
{ both; } > c.txt 2>&1
echo "c.txt: $(echo $(<c.txt))"
( both ) 2> d.txt
echo "d.txt (stderr only): $(<d.txt)"
echo "later redirection wins" > e1.txt > e2.txt
echo "e1=[$(<e1.txt)] e2=[$(<e2.txt)]"
echo first > f.txt; echo second >> f.txt; echo "f.txt: $(echo $(<f.txt))"
> g.txt; echo "empty redirection creates empty file: [$(<g.txt)] $([ -e g.txt ] && echo exists)"
echo redirect-before-command > h.txt; >i.txt echo "redirection first"
echo "i.txt: $(<i.txt)"
both 2>&1 | { n=0; while read -r l; do n=$((n + 1)); done; echo "2>&1 | lines: $n"; }
exec 3>j.txt
both 2>&3 >&3
exec 3>&-
echo "j.txt: $(echo $(<j.txt))"
while read -r l; do echo "loop stdin: $l"; done < a.txt 2>/dev/null
echo "status of redirection error:"; echo x < /nonexistent_dir_xyz/f; echo "-> $?"
{ echo "group"; } 2>/nonexistent_dir_xyz/f; echo "group with bad redir -> $?"
