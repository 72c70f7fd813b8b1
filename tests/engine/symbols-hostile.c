/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * symbols-hostile.c: types shaped as a hostile file would shape them, for test-symbols. Built
 * for AArch64 with -g -fms-extensions (anonymous members of named struct types) by
 * tests/engine/meson.build; never run.
 *
 * struct L1 holds two anonymous struct L2, each two anonymous struct L3, and so on down to the
 * empty struct L30 (a GNU extension): the DWARF is 30 small structs, but a search through the
 * anonymous members that does not remember where it has been follows 2^29 paths.
 */

struct L30 {};
struct L29 { struct L30; struct L30; };
struct L28 { struct L29; struct L29; };
struct L27 { struct L28; struct L28; };
struct L26 { struct L27; struct L27; };
struct L25 { struct L26; struct L26; };
struct L24 { struct L25; struct L25; };
struct L23 { struct L24; struct L24; };
struct L22 { struct L23; struct L23; };
struct L21 { struct L22; struct L22; };
struct L20 { struct L21; struct L21; };
struct L19 { struct L20; struct L20; };
struct L18 { struct L19; struct L19; };
struct L17 { struct L18; struct L18; };
struct L16 { struct L17; struct L17; };
struct L15 { struct L16; struct L16; };
struct L14 { struct L15; struct L15; };
struct L13 { struct L14; struct L14; };
struct L12 { struct L13; struct L13; };
struct L11 { struct L12; struct L12; };
struct L10 { struct L11; struct L11; };
struct L9 { struct L10; struct L10; };
struct L8 { struct L9; struct L9; };
struct L7 { struct L8; struct L8; };
struct L6 { struct L7; struct L7; };
struct L5 { struct L6; struct L6; };
struct L4 { struct L5; struct L5; };
struct L3 { struct L4; struct L4; };
struct L2 { struct L3; struct L3; };
struct L1 { struct L2; struct L2; };

struct pair
{
  int x;
  int y;
};

/* Members that exist, past the wide part: y through an anonymous member (at 4 + 4), tail. */
struct wide
{
  int head;
  struct L2;
  struct L2;
  struct pair;
  int tail;
};

/* 5 × 65536 × 17³ ints: 6 439 567 360 bytes, which needs 64 bits; only ever a type. */
typedef int big_array_t[5][65536][17][17][17];

struct big
{
  char head[8];
  big_array_t a;
  int tail;
};

/* A flexible array member: every index is in bounds, so only the arithmetic can refuse one. */
struct flex
{
  long n;
  int items[];
};

struct L1 hostile_l1;
struct wide hostile_wide;
struct big *hostile_big;
big_array_t *hostile_big_array;
struct flex hostile_flex;

int
main (void)
{
  return hostile_wide.tail + hostile_flex.n;
}
