# SPDX-License-Identifier: BSD-2-Clause
# TRNG drivers (none yet)
