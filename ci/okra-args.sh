# okra_quote_args STRING: the words of STRING as a POSIX shell splits a command line, printed each
# single-quoted for `eval "set -- $words"` (or a bash array). Blanks separate words; '...' keeps what
# it holds; "..." keeps what it holds but for \" \\ \$ \` and \newline; a backslash outside quotes
# escapes the next character. Nothing is expanded: $VAR, `cmd`, * and ~ stay as written, so an input
# is data, never code. An unmatched quote or a trailing backslash is an error (status 2, stderr).
# Sourced by ci/run-okra.sh; the GitLab template ships a copy (scripts/sync-launcher.sh).
okra_quote_args() {
  okra_rest=$1 okra_out= okra_word= okra_inword=false okra_quote=
  okra_nl='
'
  while [ -n "$okra_rest" ]; do
    okra_c=${okra_rest%"${okra_rest#?}"}
    okra_rest=${okra_rest#?}
    okra_next=${okra_rest%"${okra_rest#?}"}
    case $okra_quote in
      "'")
        if [ "$okra_c" = "'" ]; then okra_quote=; else okra_word=$okra_word$okra_c; fi ;;
      '"')
        case $okra_c in
          '"') okra_quote= ;;
          \\)
            case $okra_next in
              '"' | \\ | '$' | '`') okra_word=$okra_word$okra_next; okra_rest=${okra_rest#?} ;;
              "$okra_nl") okra_rest=${okra_rest#?} ;;
              *) okra_word=$okra_word$okra_c ;;
            esac ;;
          *) okra_word=$okra_word$okra_c ;;
        esac ;;
      *)
        case $okra_c in
          ' ' | '	' | "$okra_nl")
            if $okra_inword; then okra_out="$okra_out $(okra_single_quoted "$okra_word")"; okra_word= okra_inword=false; fi ;;
          "'" | '"') okra_quote=$okra_c okra_inword=true ;;
          \\)
            if [ -z "$okra_rest" ]; then echo "a backslash ends the arguments, escaping nothing: $1" >&2; return 2; fi
            okra_rest=${okra_rest#?}
            if [ "$okra_next" != "$okra_nl" ]; then okra_word=$okra_word$okra_next okra_inword=true; fi ;;
          *) okra_word=$okra_word$okra_c okra_inword=true ;;
        esac ;;
    esac
  done
  case $okra_quote in
    "'") echo "a single quote (') is not closed: $1" >&2; return 2 ;;
    '"') echo "a double quote (\") is not closed: $1" >&2; return 2 ;;
  esac
  if $okra_inword; then okra_out="$okra_out $(okra_single_quoted "$okra_word")"; fi
  printf '%s\n' "$okra_out"
}

# okra_single_quoted WORD: WORD as one single-quoted shell word ('it'\''s').
okra_single_quoted() {
  okra_w=$1 okra_q=
  while :; do
    case $okra_w in
      *"'"*) okra_q="$okra_q${okra_w%%"'"*}'\\''"; okra_w=${okra_w#*"'"} ;;
      *) okra_q=$okra_q$okra_w; break ;;
    esac
  done
  printf "'%s'" "$okra_q"
}
