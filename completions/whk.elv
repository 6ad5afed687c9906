
set edit:completion:arg-completer[whk] = { |@words|
    var index = (count $words)
    set index = (- $index 1)

    put (env _CLAP_IFS="\n" _CLAP_COMPLETE_INDEX=(to-string $index) WHK_COMPLETE="elvish" whk -- $@words) | to-lines
}

