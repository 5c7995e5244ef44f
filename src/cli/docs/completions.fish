# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mystic_credential_helper_global_optspecs
    string join \n store= h/help V/version
end

function __fish_mystic_credential_helper_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mystic_credential_helper_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mystic_credential_helper_using_subcommand
    set -l cmd (__fish_mystic_credential_helper_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -s V -l version -d 'Print version'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "get" -d 'Print a remote\'s token as JSON. Stdin: {"alias"?, "url"?}'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "store" -d 'Save a token and mirror its remote into config.yaml. Stdin: {"alias", "token", "url"?, "active"?}'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "erase" -d 'Delete a token and its remote. Stdin: {"alias"?, "url"?} (at least one)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "list" -d 'List remotes as JSON, never tokens'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "item" -d 'Read, write or delete one keyring item by service and user (what the windows store runs from WSL). Stdin: {"action": "get"|"set"|"delete", "service", "user", "token"?}'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "login" -d 'Check a token against the API and store it. The token is read from stdin, or prompted for without echo on a terminal; never from the command line'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "logout" -d 'Remove a remote and its token (erase, for people)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "use" -d 'Make ALIAS the active remote in config.yaml (what the SDK and `get` use by default)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "token" -d 'Print only the token and a newline, for `Authorization: Bearer $(... token)`'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "status" -d 'Show each remote, where its token lives, and which token `get` and the SDK will use'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "migrate" -d 'Move tokens into the chosen store: plaintext ones from config.yaml, or another keyring\'s'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "prune" -d 'Remove keyring items that no remote in config.yaml names (left by killed or failed writes)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "exec" -d 'Run a command that authenticates as a remote, with no token written to disk'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "env" -d 'Print PIPELINE_API_TOKEN and PIPELINE_API_URL, for scripts and CI'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "configure" -d 'Make git or docker use this helper for every remote in config.yaml'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "shell-init" -d 'Print a shell function that runs the `pipeline` CLI with its token from here'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "sdk" -d 'Give the pipeline-ai SDK in a Python environment its tokens from here'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "git" -d 'git\'s credential-helper protocol (also run as `git-credential-mystic ACTION`)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "docker" -d 'docker\'s credential-helper protocol (also run as `docker-credential-mystic ACTION`)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "man" -d 'Print the man page (roff), or install it where `man` finds it'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand get" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand get" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand store" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand store" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand erase" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand erase" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand list" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand list" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand item" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand item" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand login" -l alias -d 'The name of the remote, as the SDK\'s `pipeline cluster use ALIAS` knows it' -r
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand login" -l url -d 'The Mystic API the token belongs to' -r
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand login" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand login" -l active -d 'Make this the active remote (by default only when none is active)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand login" -l no-verify -d 'Store without checking the token against the API'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand login" -l allow-http -d 'Allow a plain http:// URL for a host other than this machine (the token would cross the network readable by anyone on the way)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand login" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand logout" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand logout" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand use" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand use" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand token" -l alias -d 'The remote\'s name; without it and --url, PIPELINE_API_TOKEN, else the active remote, else the first remote (as `get`)' -r
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand token" -l url -d 'The remote whose url this is (its origin: scheme, host and port)' -r
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand token" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand token" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand status" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand status" -l json -d 'Print JSON instead of a table: {v, config, store, remotes: [{alias, url, active, token, verified?}], refused?, env, get, sdk, python, orphans?, warnings: [{code, message}]}; token is keyring, file, missing or unknown. Its JSON Schema is protocol/schema/status.json in the source repository'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand status" -l verify -d 'Check each token against the API'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand status" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand migrate" -l from -d 'Where the tokens are now [default: config.yaml\'s plaintext; with --store file, the store MYSTIC_CREDENTIAL_STORE names, else auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand migrate" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand migrate" -l dry-run -d 'Show what would move, and check that the stores can be reached; change nothing'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand prune" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand prune" -l dry-run -d 'List the orphans; remove nothing'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand prune" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand exec" -l alias -d 'The remote\'s name; without it, PIPELINE_API_TOKEN, else the active remote, else the first remote (as `get`)' -r
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand exec" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand exec" -l no-mask -d 'Let CMD\'s output through as it is: without this, the token is replaced with <concealed by mystic-credential-helper> wherever CMD\'s stdout or stderr is not a terminal'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand exec" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand env" -l alias -d 'The remote\'s name; without it, PIPELINE_API_TOKEN, else the active remote, else the first remote (as `get`)' -r
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand env" -l format -d 'How to print them' -r -f -a "shell\t'`export NAME=\'value\'` lines, which sh, bash and zsh read with eval, and fish with source (both read them back byte for byte)'
dotenv\t'`NAME=value` lines, for a .env file'
github\t'GitHub Actions: append both to the file GITHUB_ENV names, for later steps, and mask the token'
json\t'One JSON object'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand env" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand env" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand configure" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand configure" -l unset -d 'Remove every entry `configure` added, for any remote and any store'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand configure" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand shell-init" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand shell-init" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and not __fish_seen_subcommand_from install uninstall help" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and not __fish_seen_subcommand_from install uninstall help" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and not __fish_seen_subcommand_from install uninstall help" -f -a "install" -d 'Make `import pipeline` get its token through this helper, in memory only'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and not __fish_seen_subcommand_from install uninstall help" -f -a "uninstall" -d 'Remove what `sdk install` added'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and not __fish_seen_subcommand_from install uninstall help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from install" -l python -d 'The environment\'s Python [default: python3, else python, on PATH]' -r -F
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from install" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from install" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from uninstall" -l python -d 'The environment\'s Python [default: python3, else python, on PATH]' -r -F
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from uninstall" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from help" -f -a "install" -d 'Make `import pipeline` get its token through this helper, in memory only'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Remove what `sdk install` added'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand sdk; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand git" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand git" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand docker" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand docker" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand completions" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand completions" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand man" -l dir -d 'With --install: this man folder instead' -r -F
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand man" -l store -d 'Where tokens are kept: auto, secret-service, keyutils, file or windows (described in `mystic-credential-helper --help`); before or after the command [env: MYSTIC_CREDENTIAL_STORE] [default: auto]' -r -f -a "auto\t'Secret Service on Linux, Keychain on macOS, Credential Manager on Windows'
secret-service\t'The freedesktop Secret Service over D-Bus (gnome-keyring, KeePassXC, oo7, KWallet)'
keyutils\t'The Linux kernel keyring: your persistent keyring, found from every session and login of your user and readable by any of your processes; gone at reboot or after 3 days unused'
file\t'Plaintext in config.yaml, where the SDK reads it. An explicit opt-in'
windows\t'Windows Credential Manager; under WSL, through the Windows build of the helper (MYSTIC_WINDOWS_HELPER, else mystic-credential-helper.exe on PATH)'"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand man" -l install -d 'Install it as man1/mystic-credential-helper.1 under the man folder next to this program (../share/man from its folder: `man` searches there for every folder on PATH)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand man" -s h -l help -d 'Print help'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "get" -d 'Print a remote\'s token as JSON. Stdin: {"alias"?, "url"?}'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "store" -d 'Save a token and mirror its remote into config.yaml. Stdin: {"alias", "token", "url"?, "active"?}'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "erase" -d 'Delete a token and its remote. Stdin: {"alias"?, "url"?} (at least one)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "list" -d 'List remotes as JSON, never tokens'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "item" -d 'Read, write or delete one keyring item by service and user (what the windows store runs from WSL). Stdin: {"action": "get"|"set"|"delete", "service", "user", "token"?}'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "login" -d 'Check a token against the API and store it. The token is read from stdin, or prompted for without echo on a terminal; never from the command line'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "logout" -d 'Remove a remote and its token (erase, for people)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "use" -d 'Make ALIAS the active remote in config.yaml (what the SDK and `get` use by default)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "token" -d 'Print only the token and a newline, for `Authorization: Bearer $(... token)`'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "status" -d 'Show each remote, where its token lives, and which token `get` and the SDK will use'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "migrate" -d 'Move tokens into the chosen store: plaintext ones from config.yaml, or another keyring\'s'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "prune" -d 'Remove keyring items that no remote in config.yaml names (left by killed or failed writes)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "exec" -d 'Run a command that authenticates as a remote, with no token written to disk'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "env" -d 'Print PIPELINE_API_TOKEN and PIPELINE_API_URL, for scripts and CI'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "configure" -d 'Make git or docker use this helper for every remote in config.yaml'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "shell-init" -d 'Print a shell function that runs the `pipeline` CLI with its token from here'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "sdk" -d 'Give the pipeline-ai SDK in a Python environment its tokens from here'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "git" -d 'git\'s credential-helper protocol (also run as `git-credential-mystic ACTION`)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "docker" -d 'docker\'s credential-helper protocol (also run as `docker-credential-mystic ACTION`)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "man" -d 'Print the man page (roff), or install it where `man` finds it'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and not __fish_seen_subcommand_from get store erase list item login logout use token status migrate prune exec env configure shell-init sdk git docker completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and __fish_seen_subcommand_from sdk" -f -a "install" -d 'Make `import pipeline` get its token through this helper, in memory only'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand help; and __fish_seen_subcommand_from sdk" -f -a "uninstall" -d 'Remove what `sdk install` added'
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand configure" -f -a "git docker"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand shell-init" -f -a "bash zsh fish"
complete -c mystic-credential-helper -n "__fish_mystic_credential_helper_using_subcommand completions" -f -a "bash zsh fish elvish powershell"
