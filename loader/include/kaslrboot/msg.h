/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Compressed messages (CONFIG_LOG_COMPRESS, docs/size.md).
 *
 * With KB_MSG_COMPRESS defined (the Makefile defines it for the loader's
 * own objects when CONFIG_LOG_COMPRESS=y; never for host builds, tools or
 * tests), the format-string literal of every kb_diag_set(), kb_log(),
 * kb_error(), kb_printf() and kb_info() call is placed in the section
 * .kb_msg instead of .rodata (KB_MSG below), and -Wformat still checks the
 * call against the literal (kb_msg_fmt_check, never called).  The link
 * keeps .kb_msg's addresses but not its bytes: scripts/msgpack.py
 * compresses the section of a first link (byte-pair encoding) into
 * kb_msg_blob, linked into the second, and the formatting paths (diag.c,
 * console.c) expand a format that points into .kb_msg into a stack buffer
 * first (KB_MSG_EXPAND, loader/lib/msg.c).  The text printed is the
 * literal's, byte for byte.
 *
 * Dictionary logging (CONFIG_LOG_DICTIONARY; KB_MSG_DICT, defined by the
 * Makefile like KB_MSG_COMPRESS): the literals go to .kb_msg the same
 * way, but no copy of them is linked at all.  A line whose format is in
 * .kb_msg is printed as a record (loader/lib/dict.c: the message's id and
 * its arguments in hex), which tools/kblog turns back into the text from
 * the ELF; kb_diag_set() stores such a record in the struct kb_diag.
 *
 * Without KB_MSG_COMPRESS or KB_MSG_DICT nothing here changes any code.
 */
#ifndef KASLRBOOT_MSG_H
#define KASLRBOOT_MSG_H

#include <stddef.h>
#include <stdint.h>

/* The longest format string, its NUL included, that the expansion buffer
 * holds (the console's line buffer is as long); scripts/msgpack.py
 * refuses (build error) a longer one.  Also read by that script: keep
 * the "#define NAME number" form. */
#define KB_MSG_MAX 256
/* The expansion stack of the decoder (bytes); the script refuses a rule
 * set that would need more. */
#define KB_MSG_DEPTH 24

/* The decoder, a pure function (host-tested): blob = [n][2n rule bytes]
 * [stream]; expands the NUL-terminated message that starts off bytes into
 * the uncompressed section into buf (KB_MSG_MAX bytes) and returns buf. */
char *kb_msg_decode(const uint8_t *blob, size_t off, char *buf);

#if defined(KB_MSG_COMPRESS) || defined(KB_MSG_DICT)
#define KB_MSG_SECTION 1
#endif

#ifdef KB_MSG_COMPRESS
/* fmt unchanged unless it points into .kb_msg, else its text in buf. */
const char *kb_msg_expand(const char *fmt, char *buf);

#define KB_MSG_EXPAND(fmt)						\
	char kb_msg_buf_[KB_MSG_MAX];					\
	(fmt) = kb_msg_expand((fmt), kb_msg_buf_)
#else
#define KB_MSG_EXPAND(fmt) do { } while (0)
#endif

#ifdef KB_MSG_DICT
#include <stdarg.h>

extern const char __kb_msg_start[], __kb_msg_end[];

/* Whether p points into the dictionary (.kb_msg). */
static inline int kb_dict_is(const void *p)
{
	return (uintptr_t)p - (uintptr_t)__kb_msg_start <
	       (uintptr_t)(__kb_msg_end - __kb_msg_start);
}

/* The first byte of a record kept in a struct kb_diag; the second is
 * KB_DICT_STRIP, so that msg + 1 is the same record with a leading
 * "container: " dropped when printed (slot.c, tools/kblog). */
#define KB_DICT_NEST '\x01'
#define KB_DICT_STRIP '\x02'

/* One record, "~<kind><hash><id>,<args>\r\n", through putc (fmt must be
 * kb_dict_is()). */
void kb_dict_vprint(void (*putc)(char), char kind, const char *fmt, va_list ap);
/* The record of fmt (kb_dict_is()) into buf, NUL-terminated, behind
 * KB_DICT_NEST KB_DICT_STRIP. */
void kb_dict_vset(char *buf, size_t size, const char *fmt, va_list ap);
#endif

#ifdef KB_MSG_SECTION

/* The literal as an array in .kb_msg (aligned(1): no padding between
 * messages); a non-literal format does not compile. */
#define KB_MSG(fmt)							\
	({								\
		static const char kb_msg_[]				\
			__attribute__((section(".kb_msg"), aligned(1))) = fmt; \
		kb_msg_;						\
	})

static inline __attribute__((format(printf, 1, 2))) int
kb_msg_fmt_check(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

/* The call's arguments, with fmt checked by -Wformat against the literal
 * (the check is never called: 0 ? ... : 0 evaluates nothing). */
#define KB_MSG_FMT_CHECK(fmt, ...)					\
	((void)(0 ? kb_msg_fmt_check(fmt, ##__VA_ARGS__) : 0))
#endif

/* A run of NUL-separated words (names used as %s arguments) declared
 * static const char NAME[] KB_MSG_WORDS = "a\0" "bc\0" ...: in the
 * dictionary with CONFIG_LOG_DICTIONARY, in .rodata otherwise.
 * kb_msg_word() finds the i-th from the words' lengths (NULs included),
 * never reading them (in the dictionary they are not in the image). */
#ifdef KB_MSG_DICT
#define KB_MSG_WORDS __attribute__((section(".kb_msg"), aligned(1)))
#else
#define KB_MSG_WORDS
#endif
static inline const char *kb_msg_word(const char *w, const uint8_t *len,
				      unsigned int i)
{
	while (i--)
		w += *len++;
	return w;
}

/* A constant string used as a %s argument (error names): in the
 * dictionary with CONFIG_LOG_DICTIONARY (a record then names it by its
 * offset), an ordinary literal otherwise. */
#ifdef KB_MSG_DICT
#define KB_MSG_STR(s) KB_MSG(s)
#else
#define KB_MSG_STR(s) (s)
#endif

#endif
