# SPDX-License-Identifier: BSD-2-Clause
# Sourced by the KARL payload builds (tests/karl/build_payload.sh, the
# oracles, the QEMU tests): the contract's --unique options
# (docs/karl.md): every function section and every data object stays an
# output section of its own.  GNU ld takes them as they are; lld takes
# plain --unique (every orphan section).
KARL_UNIQUE="--unique=.text.* --unique=.rodata.* --unique=.srodata.* --unique=.data.* --unique=.sdata.* --unique=.bss.* --unique=.sbss.*"
