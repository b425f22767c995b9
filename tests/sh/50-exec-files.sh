# executing and sourcing files: non-executable file gives 126, missing ./file 127, . sourcing with return and exit
cd "$TMPDIR_TEST" || exit 1
echo "echo not executable" > noexec.sh
./noexec.sh
echo "non-executable file -> $?"
./nonexistent_file_xyz
echo "missing ./file -> $?"
. ./noexec.sh
echo "but it can be sourced with . -> $?"
print 'echo "sourced file sees arg count $#"; srcvar=set; return 4' > lib.sh
. ./lib.sh
echo "source status -> $? srcvar=$srcvar"
( . ./nonexistent_file_xyz ); echo "sourcing a missing file -> $?"
print 'f_from_lib() { echo "function from sourced file"; }' > lib2.sh
. ./lib2.sh; f_from_lib
( cd / && . "$OLDPWD/lib2.sh" && f_from_lib )
print 'exit 13' > exiter.sh
( . ./exiter.sh; echo never ); echo "exit in sourced file (in subshell) -> $?"
