# `proctrace --columns` (Markdown tables) -> the man page's COLUMNS section
# as definition lists, which read better than a five-column table in a
# terminal. Usage: awk -f columns-man.awk [COLUMNS-OUTPUT]
function md(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/[*_<>\[\]]/, "\\\\&", s)
	return s
}
function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}
/^\| detail key / { print "## Detail keys\n"; next }
/^\| JSON Lines key / { print "## JSON Lines keys\n"; next }
/^\| column / || /^\|---/ || !/^\|/ { next }
{
	n = split($0, f, "|")
	name = trim(f[2]); gsub(/`/, "", name)
	type = trim(f[3]); unit = trim(f[4]); events = trim(f[5])
	meaning = trim(f[6])
	for (i = 7; i < n; i++)
		meaning = meaning "|" f[i]
	printf "**%s** (%s%s; %s)\n:   %s\n\n", md(name), type, unit != "" ? ", " unit : "", \
		md(events), md(trim(meaning))
}
