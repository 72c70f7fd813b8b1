/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * xen-sample.c: the structures and variables Xen's awareness (engine/awareness/hs-xen.c) reads,
 * with Xen 4.17 arm64's member names, types and order, cut down to what it reads and a little
 * around it, so that fuzz-xen has a small xen-syms of 5 KB instead of the board's 6 MB. Built for
 * AArch64 by tests/fuzz/meson.build, linked where Xen is, never run.
 */

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef uint64_t register_t;
typedef uint16_t domid_t;
typedef _Bool bool;

#define NR_CPUS 128

typedef struct
{
  int counter;
} atomic_t;

/* x0..x30 with the AArch32 names beside them, as Xen has them. */
#define REG(n, r32) union { uint64_t x##n; uint32_t r32; }

struct cpu_user_regs
{
  REG (0, r0); REG (1, r1); REG (2, r2); REG (3, r3); REG (4, r4); REG (5, r5); REG (6, r6);
  REG (7, r7); REG (8, r8); REG (9, r9); REG (10, r10); REG (11, r11); REG (12, r12);
  REG (13, sp_usr); REG (14, lr_usr); REG (15, __unused_sp_hyp); REG (16, lr_irq);
  REG (17, sp_irq); REG (18, lr_svc); REG (19, sp_svc); REG (20, lr_abt); REG (21, sp_abt);
  REG (22, lr_und); REG (23, sp_und); REG (24, r8_fiq); REG (25, r9_fiq); REG (26, r10_fiq);
  REG (27, r11_fiq); REG (28, r12_fiq);
  union { uint64_t fp; uint32_t sp_fiq; };
  union { uint64_t lr; uint32_t lr_fiq; };
  register_t sp;
  union { uint64_t pc; uint32_t pc32; };
  uint64_t cpsr;
  uint64_t hsr;
  uint64_t pad0;
  union { uint64_t spsr_el1; uint32_t spsr_svc; };
  uint32_t spsr_fiq, spsr_irq, spsr_und, spsr_abt;
  uint64_t sp_el0;
  uint64_t sp_el1;
  uint64_t elr_el1;
};

struct cpu_info
{
  struct cpu_user_regs guest_cpu_user_regs;
  unsigned long elr;
  uint32_t flags;
};

struct arch_vcpu
{
  struct
  {
    register_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, fp, sp, pc;
  } saved_context;
  void *stack;
  struct cpu_info *cpu_info;
  uint32_t csselr;
  register_t vbar;
  register_t ttbcr;
  uint64_t ttbr0, ttbr1;
  uint64_t mair;
  register_t sctlr;
};

struct vcpu
{
  int vcpu_id;
  int processor;
  void *vcpu_info;
  struct domain *domain;
  struct vcpu *next_in_list;
  bool is_running;
  unsigned long pause_flags;
  atomic_t pause_count;
  int controller_pause_count;
  struct arch_vcpu arch;
};

struct p2m_domain
{
  void *root;
  uint16_t vmid;
  uint64_t vttbr;
  uint8_t last_vcpu_ran[NR_CPUS];
};

struct arch_domain
{
  int type;
  struct p2m_domain p2m;
};

struct domain
{
  domid_t domain_id;
  unsigned int max_vcpus;
  struct vcpu **vcpu;
  struct domain *next_in_list;
  enum { DOMDYING_alive, DOMDYING_dying, DOMDYING_dead } is_dying;
  int controller_pause_count;
  bool is_shut_down;
  atomic_t pause_count;
  struct arch_domain arch;
};

struct domain *domain_list;
struct vcpu *per_cpu__curr_vcpu;
unsigned long __per_cpu_offset[NR_CPUS];

int
main (void)
{
  return domain_list != 0;
}
