/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reloc-sample.c: a kernel-module-shaped object for test-symbols-reloc. Built by
 * tests/engine/meson.build with aarch64-linux-gnu-gcc -c -g -O2 as a module is (frame
 * pointers, .debug_frame rather than .eh_frame) into a relocatable ELF object; never linked,
 * never run. Its functions sit in .text, .init.text and .exit.text, its variables in .data,
 * .bss and .rodata, so that each gets its own load address. test-symbols-reloc finds the
 * lines marked "@line-..." by reading this file.
 */

struct reloc_device
{
  int id;
  unsigned long flags;
  const char *name;
  struct reloc_device *next;
};

#define __init __attribute__ ((section (".init.text"), noinline))
#define __exit __attribute__ ((section (".exit.text"), noinline))

struct reloc_device reloc_devices[2] = {
  { .id = 1, .name = "first" },
  { .id = 2, .name = "second" },
};
const char reloc_banner[] = "reloc-sample ready";
unsigned long reloc_counter;
static int reloc_calls = 3;
volatile long reloc_sink;

/* noipa: no clone (reloc_helper.isra.0), so the symbol keeps its name. */
__attribute__ ((noipa)) static int
reloc_helper (struct reloc_device *device,
              int                  x)
{
  reloc_sink += device->id;                      /* @line-helper-body */
  return x * device->id + reloc_calls++;
}

__attribute__ ((noinline)) int
reloc_probe (struct reloc_device *device)
{
  int total = 0;

  for (struct reloc_device *d = device; d != 0; d = d->next)
    total += reloc_helper (d, total);            /* @line-probe-call */
  reloc_counter += total;
  return total;
}

int __init
reloc_init (void)
{
  reloc_devices[0].next = &reloc_devices[1];     /* @line-init-link */
  reloc_sink = reloc_banner[0];
  return reloc_probe (&reloc_devices[0]);
}

void __exit
reloc_exit (void)
{
  reloc_counter = 0;                             /* @line-exit-body */
  reloc_devices[0].next = 0;
}
