from smallfirms.world.cli import main

main()
