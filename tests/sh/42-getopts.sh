# getopts: option parsing with arguments, combined flags, OPTIND, unknown options, silent mode
parse() {
	typeset opt OPTIND=1 OPTARG
	while getopts "ab:c" opt; do
		case $opt in
		a) echo "  flag a";;
		b) echo "  option b with [$OPTARG]";;
		c) echo "  flag c";;
		\?) echo "  unknown option (opt=$opt)";;
		esac
	done
	shift $((OPTIND - 1))
	echo "  OPTIND=$OPTIND remaining: $*"
}
echo "case 1:"; parse -a -b val -c file1 file2
echo "case 2:"; parse -acb attached rest
echo "case 3:"; parse -b "with space" -- -a notanoption
echo "case 4:"; parse noopts -a
echo "case 5 (unknown, error to stderr):"; parse -x -a
echo "case 6 (missing argument):"; parse -b
silent() {
	typeset opt OPTIND=1
	while getopts ":n:v" opt; do
		case $opt in
		n) echo "  n=$OPTARG";;
		v) echo "  verbose";;
		:) echo "  missing argument for -$OPTARG";;
		\?) echo "  silent unknown -$OPTARG";;
		esac
	done
}
echo "silent mode:"; silent -v -z -n 5 -n
set -- -a -b main-arg tail
OPTIND=1
while getopts ab: o; do echo "main shell: $o ${OPTARG-}"; done
shift $((OPTIND - 1)); echo "main remaining: $*"
