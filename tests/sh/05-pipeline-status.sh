# pipelines: exit status is the last element's, ! negation, set -o pipefail
true | false; echo "true|false -> $?"
false | true; echo "false|true -> $?"
( exit 3 ) | ( exit 4 ); echo "3|4 -> $?"
( exit 3 ) | ( exit 0 ); echo "3|0 -> $?"
! true; echo "! true -> $?"
! false; echo "! false -> $?"
! ( exit 5 ) | ( exit 6 ); echo "! 5|6 -> $?"
! ( exit 5 ) | true; echo "! 5|true -> $?"
set -o pipefail
echo "pipefail on"
true | false; echo "true|false -> $?"
false | true; echo "false|true -> $?"
( exit 3 ) | ( exit 4 ) | true; echo "3|4|true -> $?"
( exit 3 ) | true | true; echo "3|true|true -> $?"
true | true | true; echo "true|true|true -> $?"
! ( exit 3 ) | true; echo "! 3|true -> $?"
if ( exit 2 ) | true; then echo "if: success"; else echo "if: failure"; fi
set +o pipefail
echo "pipefail off"
( exit 3 ) | ( exit 0 ); echo "3|0 -> $?"
if ( exit 2 ) | true; then echo "if: success"; else echo "if: failure"; fi
f() { return 9; }
echo x | f; echo "echo|f -> $?"
echo data | { read l; return 2 2>/dev/null || exit 2; }; echo "brace exit -> $?"
false | false | ( exit 8 )
