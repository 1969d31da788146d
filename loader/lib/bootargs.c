// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel command-line parsing (see <kaslrboot/bootargs.h>).
 *
 * Pure: no allocation, no library calls, reads at most len bytes of args.
 * The tokenizer follows Linux's next_arg() (lib/cmdline.c, used by the EFI
 * stub's efi_parse_options() and by parse_args()):
 *   - white space outside quotes separates tokens;
 *   - a '"' anywhere in a token toggles "inside quotes";
 *   - a token that starts with '"' loses that quote, and also its last
 *     character if that is a '"' (next_arg() strips exactly those two);
 *   - a bare "--" token (after quote stripping) ends the kernel's
 *     parameters: nothing after it is looked at;
 *   - an unterminated quote runs to the end of the string.
 * A flag matches only a whole token, byte for byte: "nokaslr=1" is the
 * token "nokaslr=1", not the flag "nokaslr".
 */
#include <stdbool.h>
#include <stddef.h>

#include <kaslrboot/bootargs.h>

/* The C locale's white space (isspace() without a locale, so no table). */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	       c == '\f' || c == '\r';
}

/* True if the n bytes at s equal the NUL-terminated string t. */
static bool token_is(const char *s, size_t n, const char *t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] == '\0' || t[i] != s[i])
			return false;
	return t[n] == '\0';
}

bool kb_bootargs_has_flag(const char *args, size_t len, const char *flag)
{
	size_t i = 0, start, end;
	bool quoted, in_quote;

	if (args == NULL || flag == NULL || flag[0] == '\0')
		return false;

	for (;;) {
		/* Skip separators; a NUL or the length limit ends everything. */
		while (i < len && args[i] != '\0' && is_space(args[i]))
			i++;
		if (i >= len || args[i] == '\0')
			return false;

		quoted = in_quote = (args[i] == '"');
		if (quoted)
			i++;
		start = i;
		while (i < len && args[i] != '\0' &&
		       (in_quote || !is_space(args[i]))) {
			if (args[i] == '"')
				in_quote = !in_quote;
			i++;
		}
		end = i;
		if (quoted && end > start && args[end - 1] == '"')
			end--;

		if (token_is(args + start, end - start, "--"))
			return false;
		if (token_is(args + start, end - start, flag))
			return true;
	}
}
