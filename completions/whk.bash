
_whk() {
    local IFS=$'\013'
    local space=true
    if compopt +o nospace 2>/dev/null; then
        space=false
    fi
    COMPREPLY=( $( \
        _WHK_COMPLETE_LINE="${COMP_LINE:0:COMP_POINT}" \
        _WHK_COMPLETE_FRAGMENT="$2" \
        WHK_COMPLETE=bash \
        whk -- "${COMP_WORDS[@]}" \
    ) )
    if [[ $? != 0 ]]; then
        unset COMPREPLY
    elif [[ $space == false ]] && [[ "${COMPREPLY-}" =~ [=/:]$ ]]; then
        compopt -o nospace
    fi
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -o nospace -o bashdefault -o nosort -F _whk whk
else
    complete -o nospace -o bashdefault -F _whk whk
fi
