# SPDX-License-Identifier: BSD-2-Clause
# The relinking oracle's comparison, shared by tests/build/karl_oracle.sh,
# karl_oracle_aarch64.sh and karl_oracle_rv32.sh: sourced after
# tests/lib.sh; the script sets $KP (karlplan), $OBJCOPY, $G (the
# payload's directory, its objects and payload.elf) and defines
# link DIR OUT LDFLAGS... (its architecture's ld).

image_matches() {	# KARL_IMAGE LD_ELF: same loaded bytes, and zeros past them
	local img=$1 elf=$2 n
	$OBJCOPY -O binary "$elf" "$TMP/ld.bin" || return 1
	n=$(stat -c %s "$TMP/ld.bin")
	[ "$(stat -c %s "$img")" -ge "$n" ] || return 1
	cmp -s -n "$n" "$img" "$TMP/ld.bin" || return 1
	# past the linker's file-backed bytes: BSS, all zero
	[ -z "$(tail -c +"$((n + 1))" "$img" | tr -d '\0' | head -c 1)" ]
}

oracle() {	# SEED [karlplan args]: karl.c's image == ld's relink of karlplan's script
	local seed=$1
	shift
	rm -f "$TMP/karl.bin"
	"$KP" --seed "$seed" "$@" --layout --ld-script "$G/oracle.ld" \
		--image "$TMP/karl.bin" "$G/payload.elf" > "$TMP/layout.$seed" 2> "$TMP/kp.err" || return 1
	link "$G" oracle.elf -T oracle.ld || return 1
	image_matches "$TMP/karl.bin" "$G/oracle.elf"
}
