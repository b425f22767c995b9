# here-documents: <<- tab stripping, heredoc in command substitution and function, here-strings <<<
cat_() { while IFS= read -r l; do print -r -- "[$l]"; done; }
if true; then
	cat_ <<-END
		tab-indented line
	  tab then spaces
	    	tab space tab
	END
fi
cat_ <<END
	tabs kept without dash
END
v=$(cat_ <<END
inside subst $((1+2))
second
END
)
echo "subst: $v"
w=$(cat_ <<'END'
quoted in subst $v
END
)
echo "subst quoted: $w"
f() {
	cat_ <<-END
		in function, arg=$1
	END
}
f A
f B
g() { cat_; }
g <<<"here-string $((6*7))"
g <<<'here-string $literal'
read x y <<<"one two three"
echo "x=$x y=$y"
v=$(g <<<"nested $(echo here-string)")
echo "$v"
set -A arr
read -A arr <<<"a b c d"
echo "array: ${#arr[@]} ${arr[3]}"
g <<<""
echo "done"
