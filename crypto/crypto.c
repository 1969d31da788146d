// SPDX-License-Identifier: BSD-2-Clause
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/version.h>

#include <kaslrboot/crypto.h>
#include <kaslrboot/error.h>

int kb_crypto_selftest(void)
{
	/* verbose = 0: mbedTLS prints nothing, the caller logs one line */
	if (mbedtls_ctr_drbg_self_test(0) != 0)
		return KB_EFAIL;
	return 0;
}

const char *kb_crypto_version(void)
{
	return "mbedTLS " MBEDTLS_VERSION_STRING;
}
