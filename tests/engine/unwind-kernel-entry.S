/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unwind-kernel-entry.S: the assembly of unwind-kernel-sample.c, as in arch/arm64/kernel:
 * entry code and the context switch, with line information but no CFI.
 */
	.text
	.globl	cpu_switch_to
	.type	cpu_switch_to, %function
cpu_switch_to:
	ret
	.size	cpu_switch_to, . - cpu_switch_to

	.globl	el0t_64_sync
	.type	el0t_64_sync, %function
el0t_64_sync:
	bl	el0t_64_sync_handler
	b	el0t_64_sync
	.size	el0t_64_sync, . - el0t_64_sync
