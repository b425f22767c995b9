# exec redirections: <> read-write opens, shared file offsets, redirection on compound commands
cd "$TMPDIR_TEST" || exit 1
print "hello\nworld" > rw.txt
exec 3<>rw.txt
read -r first <&3
echo "read via <>: $first"
echo "XYZ" >&3
exec 3>&-
echo "rw.txt after writing at the offset:"
while read -r l; do echo "  [$l]"; done < rw.txt
# <> on a file that does not exist creates it
exec 4<>created.txt
echo "written" >&4
exec 4>&-
echo "created.txt: $(<created.txt)"
# the same open file description is shared by parent and child
print "a\nb\nc\nd" > shared.txt
exec 5<shared.txt
read -r l1 <&5
( read -r l2 <&5; echo "child read: $l2" )
read -r l3 <&5
echo "parent read: $l1 then $l3"
exec 5<&-
# <> for a single command
print "12345" > num.txt
{ read -r n; echo "got $n"; } <>num.txt
# redirections applied to loops and groups
i=0
while [ $i -lt 3 ]; do echo "loop line $i"; i=$((i + 1)); done > loop.txt
{ echo "group 1"; echo "group 2"; } >> loop.txt
if true; then echo "if body"; fi >> loop.txt
echo "loop.txt:"; while read -r l; do echo "  $l"; done < loop.txt
# noclobber
set -C
echo "new" > loop.txt 2>/dev/null || echo "noclobber refused overwrite: status $?"
echo "forced" >| loop.txt && echo "forced overwrite: $(<loop.txt)"
set +C
