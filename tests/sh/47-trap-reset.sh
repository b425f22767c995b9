# traps: trap - EXIT removes the handler, traps set in functions are global, exit inside an EXIT trap, trap 0
trap 'echo "EXIT handler 1"' EXIT
trap - EXIT
echo "EXIT trap removed, listing:"
trap
settrap() { trap 'echo "EXIT trap set inside function, status $?"' EXIT; }
settrap
echo "trap from function is global:"
trap
( trap - EXIT; echo "subshell removed its copy (it had none anyway)" )
( trap 'echo "sub handler"' EXIT; trap - EXIT; echo "subshell: set then removed" )
( trap 'echo "sub handler runs once"; exit 9' EXIT; exit 2 ); echo "exit inside EXIT trap sets status: $?"
( trap 'echo "sub trap sees exit status $?"' EXIT; ( exit 3 ) ); echo "subshell status $?"
trap 'echo "USR2 handler"; trap - USR2' USR2
kill -USR2 $$
echo "handler removed itself:"
trap
trap 'echo "handler A"' USR1 USR2
kill -USR1 $$; kill -USR2 $$
trap - USR1 USR2
trap 'echo "EXIT trap 0 form"' 0
trap
trap 0
echo "trap 0 with no action removes it:"
trap
trap 'echo "final EXIT trap, status $?"' EXIT
false
