@auth
Feature: Authentication and roles
  Every /api/v2 request needs HTTP Basic credentials of a user, or the
  JSESSIONID session cookie the server set on an earlier authenticated
  response. Missing or wrong credentials answer 401 with a Basic challenge
  and statusCode 20. The agent endpoints (/me, /me/..., PUT
  /interactions/{id}) need role agent; GET /interactions and GET
  /interactions/{id} take agent or admin. A wrong role answers 403. The
  CometD handshake is authenticated like a REST request.

  @B2.2
  Scenario: A request without credentials is refused with a Basic challenge
    When anonymous sends GET /api/v2/me
    Then the response status is 401
    And the response header WWW-Authenticate matches "^Basic realm=\"[^\"]*\"$"
    And the response matches:
      """
      {"statusCode": 20, "statusMessage": "{{string}}"}
      """

  @B2.2
  Scenario: A page on another host name that sends no credentials is told that browsers keep cookies per host name
    When anonymous sends GET /api/v2/me with headers:
      """
      Origin: http://frontend.example.test:5173
      """
    Then the response status is 401
    And the response header WWW-Authenticate matches "^Basic realm=\"[^\"]*\"$"
    And the response matches:
      """
      {"statusCode": 20, "statusMessage": "{{regex:(?i)cookie.*host|host.*cookie}}"}
      """

  @mock @B2.2
  Scenario: A page on the server's own host name that sends no credentials is told nothing about cookies per host name
    When anonymous sends GET /api/v2/me
    Then the response status is 401
    And the response field statusMessage is saved as plain
    When anonymous sends GET /api/v2/me with headers:
      """
      Origin: http://{{target.host}}:3000
      """
    Then the response status is 401
    And the response matches:
      """
      {"statusCode": 20, "statusMessage": "{{plain}}"}
      """

  @B2.2
  Scenario: A request without credentials whose Origin does not parse is refused like any other
    When anonymous sends GET /api/v2/me with headers:
      """
      Origin: http://[::1
      """
    Then the response status is 401
    And the response header WWW-Authenticate matches "^Basic realm=\"[^\"]*\"$"
    And the response matches:
      """
      {"statusCode": 20, "statusMessage": "{{string}}"}
      """
    When alice sends GET /api/v2/me
    Then the response status is 200

  @B2.2
  Scenario Outline: Wrong credentials are refused on <method> <path>
    When <who> sends <method> <path>
    Then the response status is 401
    And the response header WWW-Authenticate matches "^Basic "
    And the response matches:
      """
      {"statusCode": 20, "statusMessage": "{{string}}"}
      """

    Examples:
      | who                   | method | path                        |
      | alice:wrong-password  | GET    | /api/v2/me                  |
      | alice:wrong-password  | GET    | /api/v2/me/interactions     |
      | nobody-here:secret    | GET    | /api/v2/interactions        |
      | anonymous             | GET    | /api/v2/me/channels         |
      | anonymous             | GET    | /api/v2/interactions/0000000000000000 |

  @B2.2
  Scenario: Operations without credentials are refused with statusCode 20
    When anonymous sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "Accept"}
      """
    Then the response status is 401
    And the response matches:
      """
      {"statusCode": 20, "statusMessage": "{{string}}"}
      """

  @B4.22
  Scenario: An agent reads its own user record
    When alice sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {
        "statusCode": 0,
        "user": {
          "id": "{{alice.id}}",
          "userName": "{{alice.userName}}",
          "firstName": "{{string}}",
          "lastName": "{{string}}",
          "roles": ["{{contains}}", "agent"],
          "channels": "{{absent}}",
          "password": "{{absent}}"
        }
      }
      """

  @mock @B4.22
  Scenario: gwsmock ignores the body of a GET, however deeply nested, and answers the read
    When alice sends GET /api/v2/me with:
      """
      {"ignored": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
      """
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"id": "{{alice.id}}", "userName": "{{alice.userName}}"}}
      """

  @mock @B2.2
  Scenario: After the control API replaces the state, a user's old password is refused and her new one accepted
    When alice sends GET /api/v2/me
    Then the response status is 200
    When control sends PUT /control/v1/state with:
      """
      {"version": 1, "queues": [], "workbins": [],
       "users": [{"id": "{{alice.id}}", "userName": "{{alice.userName}}", "password": "changed-456", "firstName": "Alice", "lastName": "Archer", "roles": ["agent"]}]}
      """
    Then the response status is 200
    When alice sends GET /api/v2/me
    Then the response status is 401
    When alice:changed-456 sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"userName": "{{alice.userName}}"}}
      """
    When control sends POST /control/v1/reset
    Then the response status is 200
    When alice:changed-456 sends GET /api/v2/me
    Then the response status is 401
    When alice sends GET /api/v2/me
    Then the response status is 200

  @B2.1
  Scenario: The session cookie authenticates later requests without credentials
    Given alice sends GET /api/v2/me
    And the response status is 200
    When alice by cookie sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"id": "{{alice.id}}", "userName": "{{alice.userName}}"}}
      """

  @B2.1
  Scenario: The session cookie belongs to the user it was set for
    Given alice sends GET /api/v2/me
    And bob sends GET /api/v2/me
    When bob by cookie sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"userName": "{{bob.userName}}"}}
      """

  @B2.1
  Scenario: Without a cookie yet, a cookie-only request is refused
    When carol by cookie sends GET /api/v2/me
    Then the response status is 401

  @B2.1
  Scenario: A request carrying Basic credentials and the same user's session cookie keeps that session
    Given alice sends GET /api/v2/me
    And the response status is 200
    And alice's cookies are saved as first
    When alice sends GET /api/v2/me
    Then the response status is 200
    When alice's cookies are set back to first
    And alice by cookie sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"userName": "{{alice.userName}}"}}
      """

  @mock @B2.1
  Scenario: gwsmock sets no cookie for a request that carries its user's session, and gives Basic credentials with another user's cookie their own
    Given alice sends GET /api/v2/me
    And the response header Set-Cookie matches "^JSESSIONID=[^;]+;"
    When alice sends GET /api/v2/me
    Then the response status is 200
    And the response has no header Set-Cookie
    When bob sends GET /api/v2/me
    And bob's cookies are saved as bobs
    When alice's cookies are set back to bobs
    And alice sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"userName": "{{alice.userName}}"}}
      """
    And the response header Set-Cookie matches "^JSESSIONID=[^;]+;"
    When alice by cookie sends GET /api/v2/me
    Then the response matches:
      """
      {"statusCode": 0, "user": {"userName": "{{alice.userName}}"}}
      """
    When bob by cookie sends GET /api/v2/me
    Then the response matches:
      """
      {"statusCode": 0, "user": {"userName": "{{bob.userName}}"}}
      """

  @B2.3 @B4.29
  Scenario Outline: The admin role may not read the agent resources (<path>)
    When admin sends GET <path>
    Then the read is refused with status 403 and statusCode 5

    Examples:
      | path                    |
      | /api/v2/me              |
      | /api/v2/me/interactions |
      | /api/v2/me/channels     |
      | /api/v2/me?subresources=* |

  @B2.3
  Scenario: The admin role reads the contact center's interactions
    When admin sends GET /api/v2/interactions
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "uris": "{{array}}"}
      """
    When admin sends GET /api/v2/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interactions": "{{array}}"}
      """

  @B2.3
  Scenario: An agent reads the contact center's interactions too
    When dave sends GET /api/v2/interactions
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "uris": "{{array}}"}
      """

  @B2.3 @B4.17
  Scenario: The admin role may not operate on interactions
    Given alice is listening
    And an email is routed to alice
    When admin sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "Accept"}
      """
    Then the request is refused with status 403
    When admin sends PUT /api/v2/interactions/{{it}} with:
      """
      {"email_object": {"subject": "hijacked"}}
      """
    Then the request is refused with status 403
    When admin sends POST /api/v2/me/channels/email with:
      """
      {"operationName": "NotReady"}
      """
    Then the request is refused with status 403
    When admin tries to go NotReady everywhere
    Then the request is refused with status 403
    When admin tries to end her contact-center session
    Then the request is refused with status 403
    And alice is not notified
    And alice sees it as Invited

  @B2.3
  Scenario: The admin role reads one interaction as a non-party
    Given alice is listening
    And an email is routed to alice
    When admin sends GET /api/v2/interactions/{{it}}
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interaction": {"id": "{{it}}", "state": "Invited", "capabilities": []}}
      """

  @B6.2
  Scenario: A CometD handshake with wrong credentials is refused
    Then alice:wrong-password cannot listen
    And anonymous cannot listen
    And nobody-here:secret cannot listen

  @B6.1 @B6.2
  Scenario: A CometD handshake with the user's credentials opens a session
    Given alice is listening
    Then alice receives no notification
