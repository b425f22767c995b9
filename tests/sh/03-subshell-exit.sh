# subshells: exit inside ( ) only leaves the subshell; status propagates to $?
( exit 3 )
echo "status after (exit 3): $?"
( echo "before exit"; exit 0; echo "never printed" )
echo "status after (exit 0): $?"
( false )
echo "status after (false): $?"
( ( exit 42 ); echo "inner status seen by outer: $?"; exit 5 )
echo "outer status: $?"
( exit 300 )
echo "status after (exit 300): $?"
r=$( echo "from subst"; exit 9 )
echo "cmdsubst status: $? value: $r"
( return 2 2>/dev/null; echo never printed ); echo "return at top of subshell: $?"
f() { ( exit 11 ); echo "in f: $?"; ( return 4 ); }
f; echo "f returned: $?"
if ( exit 1 ); then echo "then-branch"; else echo "else-branch"; fi
while ( exit 1 ); do echo never; done; echo "while done"
( exit 6 ) || echo "|| ran after status 6"
( exit 0 ) && echo "&& ran after status 0"
x=1
( x=2; exit )
echo "x still $x, status $?"
( exit 77 )
