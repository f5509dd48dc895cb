/*
 * main.c - the tocsin executable. Everything else is libtocsin.
 */
#include "tocsin/cli.h"

int main(int argc, char **argv)
{
    return tocsin_cli_main(argc, argv);
}
