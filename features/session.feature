@session
Feature: The agent's session
  GET /me is the user; GET /me?subresources=* (or a list among channels and
  devices) adds the user's channel objects and its devices, as the
  published "query agent state" page shows. POST /me starts or ends the
  contact-center session (StartContactCenterSession,
  EndContactCenterSession) or changes readiness on every channel (Ready,
  NotReady), with the answers of every operation. Each change of readiness
  is told on /v2/me/channels with the request's referenceId. An agent
  without a contact-center session gets no new offers, and
  EndContactCenterSession also ends the HTTP session: its cookie no longer
  authenticates.

  @B4.22
  Scenario: GET /me is the user without its channels
    When alice sends GET /api/v2/me
    Then the response status is 200
    And the response matches:
      """
      {
        "statusCode": 0,
        "user": {"id": "{{alice.id}}", "userName": "{{alice.userName}}", "roles": ["{{contains}}", "agent"], "channels": "{{absent}}", "devices": "{{absent}}"}
      }
      """

  @B4.23
  Scenario: GET /me?subresources=* adds the channel objects and the devices
    Given alice is Ready on email
    And alice is NotReady on chat
    When alice sends GET /api/v2/me?subresources=*
    Then the response status is 200
    And the response matches:
      """
      {
        "statusCode": 0,
        "user": {
          "id": "{{alice.id}}",
          "userName": "{{alice.userName}}",
          "channels": [
            "{{contains}}",
            {"channel": "email", "userState": {"state": "Ready", "displayName": "Ready"}},
            {"channel": "chat", "userState": {"state": "NotReady", "displayName": "NotReady"}}
          ],
          "devices": []
        }
      }
      """
    And the response has 2 user.channels

  @B4.23
  Scenario Outline: GET /me?subresources=<list> adds only what it names
    When alice sends GET /api/v2/me?subresources=<list>
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "user": {"userName": "{{alice.userName}}", "channels": <channels>, "devices": <devices>}}
      """

    Examples:
      | list             | channels      | devices       |
      | channels         | "{{array}}"   | "{{absent}}"  |
      | devices          | "{{absent}}"  | []            |
      | channels,devices | "{{array}}"   | []            |

  @B4.23 @B4.29
  Scenario: An unknown subresource is refused with 400
    When alice sends GET /api/v2/me?subresources=channels,settings
    Then the read is refused with status 400 and statusCode 1
    And the response matches:
      """
      {"statusMessage": "{{regex:settings}}"}
      """

  @B4.26 @B4.28
  Scenario: Starting a session on some channels makes the agent Ready there and NotReady elsewhere
    Given alice is Ready on email and chat
    And alice is listening
    When alice starts a contact-center session on email
    Then alice is notified that she is NotReady on chat
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice's readiness is email Ready and chat NotReady

  @B4.26 @B4.28
  Scenario: Starting a session without channels makes the agent Ready on all of its channels
    Given alice is NotReady on email and chat
    And alice is listening
    When alice starts a contact-center session
    Then alice is notified that she is Ready on email
    And alice's notification carries the referenceId of her last request
    And alice is notified that she is Ready on chat
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice's readiness is email Ready and chat Ready

  @B4.27 @B4.28
  Scenario: Ending the session makes the agent NotReady everywhere
    Given alice is Ready on email and chat
    And alice is listening
    When alice ends her contact-center session
    Then alice is notified that she is NotReady on email
    And alice's notification carries the referenceId of her last request
    And alice is notified that she is NotReady on chat
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice's readiness is email NotReady and chat NotReady

  @B2.4 @B4.27
  Scenario: Ending the session ends the HTTP session: its cookie no longer authenticates
    Given alice is Ready on email and chat
    And alice is listening
    And alice sends GET /api/v2/me
    And the response status is 200
    And alice's cookies are saved as session
    When alice ends her contact-center session
    Then the response header Set-Cookie matches "^JSESSIONID=;"
    And the response header Set-Cookie matches "Max-Age=0"
    And alice is notified that she is NotReady on email
    And alice is notified that she is NotReady on chat
    When alice's cookies are set back to session
    And alice by cookie sends GET /api/v2/me
    Then the response status is 401
    When alice sends GET /api/v2/me
    Then the response status is 200
    And no one else is notified

  @mock @B2.4
  Scenario: Ending the session with Basic credentials and a stale cookie also ends the session gwsmock keeps for them
    Given alice sends GET /api/v2/me
    And the response status is 200
    And alice's cookies are saved as session
    And the variable stale is "JSESSIONID=0000000000000000"
    And alice's cookies are set back to stale
    When alice sends POST /api/v2/me with:
      """
      {"operationName": "EndContactCenterSession"}
      """
    Then the response status is 200
    And the response header Set-Cookie matches "^JSESSIONID=;"
    And the response header Set-Cookie matches "Max-Age=0"
    When alice's cookies are set back to session
    And alice by cookie sends GET /api/v2/me
    Then the response status is 401
    When alice sends GET /api/v2/me
    Then the response status is 200

  @B2.4 @B4.27 @B6.2
  Scenario: After the session ends, its cookie opens no CometD session either
    Given alice is Ready on email and chat
    And alice is listening
    And alice sends GET /api/v2/me
    And the response status is 200
    And alice's cookies are saved as session
    When alice ends her contact-center session
    Then alice is notified that she is NotReady on email
    And alice is notified that she is NotReady on chat
    When alice's cookies are set back to session
    Then alice by cookie cannot listen
    And no one else is notified

  @B4.27
  Scenario: Routing passes an agent without a session by
    Given alice and bob are Ready on email and chat
    And carol and dave are NotReady on chat
    And alice and bob are listening
    And alice ends her contact-center session
    And alice is notified that she is NotReady on email
    And alice is notified that she is NotReady on chat
    When a chat arrives in queue chat-inbound
    Then bob is notified that it is Invited
    And bob's notification carries no referenceId
    And no one else is notified

  @B4.27
  Scenario: The control API may not offer an interaction to an agent without a session
    Given alice is Ready on email and chat
    And alice is listening
    And alice ends her contact-center session
    And alice is notified that she is NotReady on email
    And alice is notified that she is NotReady on chat
    When control sends POST /control/v1/interactions with:
      """
      {"channel": "email", "agent": "{{alice.userName}}", "email_object": {"subject": "Hello", "from": "jane.doe@example.com"}}
      """
    Then the response status is 409
    And no one else is notified

  @B4.27
  Scenario Outline: A direct offer to an agent without a session is refused with 409 (<operation>)
    Given bob is Ready on email and chat
    And alice and bob are listening
    And bob ends his contact-center session
    And bob is notified that he is NotReady on email
    And bob is notified that he is NotReady on chat
    And an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice tries to <operation>
    Then the request is refused with status 409, naming "session"
    And no one else is notified
    And alice sees it as Processing
    And bob does not have it among his interactions

    Examples:
      | operation                          |
      | transfer it to bob                 |
      | invite bob to a conference on it   |

  @B4.27
  Scenario: What the agent holds stays after the session ends
    Given alice is Ready on email and chat
    And alice is listening
    And an email is routed to alice
    And alice ends her contact-center session
    And alice is notified that she is NotReady on email
    And alice is notified that she is NotReady on chat
    When alice accepts it
    Then alice is notified that it is Processing
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @B4.26 @B4.28
  Scenario: Ready everywhere logs the agent in again, and routing offers to it
    Given alice is Ready on email and chat
    And bob, carol and dave are NotReady on chat
    And alice and bob are listening
    And alice ends her contact-center session
    And alice is notified that she is NotReady on email
    And alice is notified that she is NotReady on chat
    When alice goes Ready everywhere
    Then alice is notified that she is Ready on email
    And alice's notification carries the referenceId of her last request
    And alice is notified that she is Ready on chat
    And alice's notification carries the referenceId of her last request
    When a chat arrives in queue chat-inbound
    Then alice is notified that it is Invited
    And alice's notification carries no referenceId
    And no one else is notified

  @B4.25
  Scenario: Ready on one channel logs the agent in again
    Given alice is Ready on email and chat
    And alice is listening
    And alice ends her contact-center session
    And alice is notified that she is NotReady on email
    And alice is notified that she is NotReady on chat
    When alice becomes Ready on chat
    Then alice is notified that she is Ready on chat
    When an email is routed to alice
    Then alice has it among her interactions
    And no one else is notified

  @B4.26 @B4.28
  Scenario: NotReady everywhere keeps the session, and only what changed is told
    Given alice is Ready on email
    And alice is NotReady on chat
    And alice is listening
    When alice goes NotReady everywhere
    Then alice is notified that she is NotReady on email
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    And alice's readiness is email NotReady and chat NotReady
    When an email is routed to alice
    Then alice has it among her interactions

  @B4.15 @B4.17 @B4.26
  Scenario Outline: A session operation that cannot be done is refused (<case>)
    Given alice is Ready on email and chat
    And alice is listening
    When alice sends POST /api/v2/me with:
      """
      <body>
      """
    Then the request is refused with status 400, naming "<names>"
    And no one else is notified
    And alice's readiness is email Ready and chat Ready

    Examples:
      | case                          | body                                                                        | names          |
      | an unknown operationName      | {"operationName": "GoHome"}                                                 | GoHome         |
      | no operationName              | {"channels": ["email"]}                                                     | operationName  |
      | an empty list of channels     | {"operationName": "StartContactCenterSession", "channels": []}              | channels       |
      | a channel that does not exist | {"operationName": "StartContactCenterSession", "channels": ["email", "fax"]} | fax            |
      | a channel alice does not use  | {"operationName": "StartContactCenterSession", "channels": ["workitem"]}    | workitem       |

  @mock @B4.15 @B4.17 @B4.26
  Scenario: gwsmock refuses a session operation whose body has data after the JSON object
    Given alice is Ready on email and chat
    And alice is listening
    When alice sends POST /api/v2/me with:
      """
      {"operationName": "NotReady"} {"operationName": "NotReady"}
      """
    Then the request is refused with status 400
    And no one else is notified
    And alice's readiness is email Ready and chat Ready

  @B4.17 @B4.26
  Scenario: A refused session operation takes effect nowhere
    Given alice is listening
    When alice tries to start a contact-center session on fax
    Then the request is refused with status 400, naming "fax"
    And no one else is notified
