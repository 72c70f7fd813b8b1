/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-arm64"

#include "config.h"

#include "hs-arm64.h"

/* QEMU names SCTLR_EL1 plainly "SCTLR". */
static const char * const key_system_registers[] = {
  "VTTBR_EL2", "VTCR_EL2", "HCR_EL2", "TTBR0_EL2", "TCR_EL2", "SCTLR_EL2", "VBAR_EL2",
  "ESR_EL2", "FAR_EL2", "HPFAR_EL2", "ELR_EL2", "SPSR_EL2", "MAIR_EL2", "TPIDR_EL2",
  "VPIDR_EL2", "VMPIDR_EL2", "CPTR_EL2", "CNTHCTL_EL2", "CNTVOFF_EL2",
  "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "SCTLR", "MAIR_EL1", "VBAR_EL1", "ESR_EL1", "FAR_EL1",
  "ELR_EL1", "SPSR_EL1", "SP_EL0", "SP_EL1", "TPIDR_EL1", "CONTEXTIDR_EL1", "CPACR_EL1",
  "PAR_EL1", "MPIDR_EL1", "MIDR_EL1",
  NULL
};

/* Read at every halt on every core: what walks, machine matching and the core list use. */
static const char * const walk_registers[] = {
  "VTTBR_EL2", "VTCR_EL2", "HCR_EL2", "TTBR0_EL2", "TCR_EL2", "SCTLR_EL2", "MAIR_EL2",
  "ELR_EL2", "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "SCTLR", "MAIR_EL1", "ID_AA64MMFR0_EL1",
  NULL
};

const char * const *
hs_arm64_walk_registers (void)
{
  return walk_registers;
}

const char * const *
hs_arm64_key_system_registers (void)
{
  return key_system_registers;
}

#define BIT(v, n) ((guint) (((v) >> (n)) & 1))
#define TTB_BADDR_MASK G_GUINT64_CONSTANT (0x0000fffffffffffe)

char *
hs_arm64_describe_register (const char *name,
                            guint64     v)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (g_ascii_strcasecmp (name, "cpsr") == 0 || g_str_has_prefix (name, "SPSR"))
    {
      /* M[3:2] is the exception level, M[0] selects SP_ELx ("h") or SP_EL0 ("t"). */
      if (BIT (v, 4))
        return g_strdup_printf ("AArch32 mode 0x%x", (guint) (v & 0x1f));
      return g_strdup_printf ("EL%u%s %c%c%c%c DAIF=%c%c%c%c", (guint) (v >> 2) & 3,
                              BIT (v, 0) ? "h" : "t", BIT (v, 31) ? 'N' : 'n',
                              BIT (v, 30) ? 'Z' : 'z', BIT (v, 29) ? 'C' : 'c',
                              BIT (v, 28) ? 'V' : 'v', BIT (v, 9) ? 'D' : '-',
                              BIT (v, 8) ? 'A' : '-', BIT (v, 7) ? 'I' : '-',
                              BIT (v, 6) ? 'F' : '-');
    }
  if (g_ascii_strcasecmp (name, "VTTBR_EL2") == 0)
    return g_strdup_printf ("VMID %u, BADDR 0x%" G_GINT64_MODIFIER "x", (guint) (v >> 48),
                            v & TTB_BADDR_MASK);
  if (g_str_has_prefix (name, "TTBR"))
    return g_strdup_printf ("ASID %u, BADDR 0x%" G_GINT64_MODIFIER "x", (guint) (v >> 48),
                            v & TTB_BADDR_MASK);
  if (g_ascii_strcasecmp (name, "HCR_EL2") == 0)
    return g_strdup_printf ("VM=%u RW=%u TGE=%u E2H=%u IMO=%u FMO=%u", BIT (v, 0), BIT (v, 31),
                            BIT (v, 27), BIT (v, 34), BIT (v, 4), BIT (v, 3));
  if (g_ascii_strcasecmp (name, "VTCR_EL2") == 0)
    return g_strdup_printf ("T0SZ=%u SL0=%u TG0=%u PS=%u VS=%u", (guint) (v & 0x3f),
                            (guint) (v >> 6) & 3, (guint) (v >> 14) & 3, (guint) (v >> 16) & 7,
                            BIT (v, 19));
  if (g_ascii_strcasecmp (name, "TCR_EL1") == 0)
    return g_strdup_printf ("T0SZ=%u T1SZ=%u TG0=%u TG1=%u IPS=%u EPD0=%u EPD1=%u",
                            (guint) (v & 0x3f), (guint) (v >> 16) & 0x3f, (guint) (v >> 14) & 3,
                            (guint) (v >> 30) & 3, (guint) (v >> 32) & 7, BIT (v, 7), BIT (v, 23));
  if (g_ascii_strcasecmp (name, "TCR_EL2") == 0)
    return g_strdup_printf ("T0SZ=%u TG0=%u PS=%u", (guint) (v & 0x3f), (guint) (v >> 14) & 3,
                            (guint) (v >> 16) & 7);
  if (g_ascii_strcasecmp (name, "SCTLR") == 0 || g_str_has_prefix (name, "SCTLR_"))
    return g_strdup_printf ("M=%u C=%u I=%u EE=%u", BIT (v, 0), BIT (v, 2), BIT (v, 12),
                            BIT (v, 25));
  if (g_str_has_prefix (name, "ESR_"))
    return g_strdup_printf ("EC=0x%02x IL=%u ISS=0x%06x", (guint) (v >> 26) & 0x3f, BIT (v, 25),
                            (guint) (v & 0x1ffffff));
  if (g_ascii_strcasecmp (name, "MPIDR_EL1") == 0 || g_ascii_strcasecmp (name, "VMPIDR_EL2") == 0)
    return g_strdup_printf ("Aff2.1.0 = %u.%u.%u", (guint) (v >> 16) & 0xff,
                            (guint) (v >> 8) & 0xff, (guint) v & 0xff);
  return NULL;
}

gboolean
hs_arm64_is_call (guint32 insn)
{
  return (insn & 0xfc000000u) == 0x94000000u      /* BL imm26 */
         || (insn & 0xfffffc1fu) == 0xd63f0000u;  /* BLR Xn */
}
