# SPDX-License-Identifier: BSD-2-Clause
loader-objs-y += loader/main.o
loader-objs-y += loader/console.o
loader-objs-y += loader/lib/diag.o
loader-objs-y += loader/lib/error.o
