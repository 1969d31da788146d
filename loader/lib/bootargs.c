// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel command-line parsing (see <kaslrboot/bootargs.h>).
 *
 * Pure: no allocation, no library calls, reads at most len bytes of args.
 * It follows the loop of Linux's EFI stub, efi_parse_options()
 * (drivers/firmware/efi/libstub/efi-stub-helper.c), over next_arg()
 * (lib/cmdline.c):
 *   - white space (the kernel's isspace(), 0xa0 included) outside quotes
 *     separates tokens;
 *   - a '"' anywhere in a token toggles "inside quotes";
 *   - a token that starts with '"' loses that quote, and also its last
 *     character if that is a '"' (next_arg() strips exactly those two);
 *   - a token's parameter name is what comes before its first '=', not
 *     counting a '=' in the token's first byte (next_arg() records the
 *     first '=' at an index > 0); without such a '=' it is the whole
 *     token.  The value after the '=' is not looked at;
 *   - a bare "--" token (after quote stripping; "--=x" is not bare) ends
 *     the kernel's parameters: nothing after it is looked at;
 *   - an unterminated quote runs to the end of the string.
 * So "nokaslr", "nokaslr=1", "nokaslr=0" and "\"nokaslr=1\"" all name the
 * parameter "nokaslr"; "nokaslrx", "foo=nokaslr" and "\"a nokaslr\"" do
 * not.
 */
#include <stdbool.h>
#include <stddef.h>

#include <kaslrboot/bootargs.h>

/* White space as the kernel's isspace() has it (lib/ctype.c, which
 * next_arg() uses): the C locale's six characters, and also 0xa0 (Latin-1
 * no-break space), so a UTF-8 byte 0xa0 separates tokens as it does for
 * the EFI stub. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' ||
	       c == '\f' || c == '\r' || (unsigned char)c == 0xa0;
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

bool kb_bootargs_has_param(const char *args, size_t len, const char *name)
{
	size_t i = 0, start, end, eq;
	bool quoted, in_quote;

	if (args == NULL || name == NULL || name[0] == '\0')
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

		/* The name ends at the first '=' after the token's first byte. */
		for (eq = start + 1; eq < end && args[eq] != '='; eq++)
			;
		if (eq > end)
			eq = end;	/* empty token */

		if (eq == end && token_is(args + start, end - start, "--"))
			return false;
		if (token_is(args + start, eq - start, name))
			return true;
	}
}
