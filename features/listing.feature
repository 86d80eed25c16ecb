@listing
Feature: Listing and reading interactions
  GET /me/interactions lists the interactions in which the caller is a
  party, as absolute URIs, or with fields=* as objects the way the caller
  sees them (the same format as the notifications). GET /interactions does
  the same over every active interaction of the contact center. GET
  /interactions/{id} reads one; a completed one stays readable.

  Background:
    Given alice, bob, carol and dave are listening

  @mock @B1.7 @B4.18 @B4.19
  Scenario: Nothing is listed before anything arrives
    When alice sends GET /api/v2/me/interactions
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "uris": [], "interactions": "{{absent}}"}
      """
    When alice sends GET /api/v2/me/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interactions": [], "uris": "{{absent}}"}
      """
    When admin sends GET /api/v2/interactions
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "uris": []}
      """
    And bob has no interactions

  @B3.2 @B4.18 @B4.19 @B4.20
  Scenario: The invited agent lists the interaction's URI
    Given an email is routed to alice
    When alice sends GET /api/v2/me/interactions
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "uris": ["{{contains}}", "{{it.uri}}"], "interactions": "{{absent}}"}
      """
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"id": "{{regex:^[0-9A-Za-z]+$}}", "uri": "{{regex:^https?://.+/api/v2/interactions/[0-9A-Za-z]+$}}"}}
      """
    And admin sees it among the contact center's interactions

  @B3.2 @B3.3 @B3.4 @B3.5 @B4.18
  Scenario: With fields=* the agent lists the interaction objects as it sees them
    Given an email is routed to alice
    When alice sends GET /api/v2/me/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {
        "statusCode": 0,
        "uris": "{{absent}}",
        "interactions": [
          "{{contains}}",
          {
            "messageTypeName": "InteractionStateMessage",
            "notificationType": "{{absent}}",
            "id": "{{it}}",
            "channel": "email",
            "interactionType": "Inbound",
            "interactionSubType": "InboundNew",
            "state": "Invited",
            "capabilities": ["{{contains}}", "Accept", "Reject"],
            "currentQueue": "{{queues.email-inbound}}",
            "ownerId": "{{absent}}",
            "workbin": "{{absent}}",
            "participants": [{"userId": "{{alice.id}}", "userName": "{{alice.userName}}", "role": "Invited"}],
            "userData": {},
            "properties": "{{absent}}",
            "email_object": {
              "interactionId": "{{it}}",
              "subject": "Order 1042 arrived damaged",
              "from": "jane.doe@example.com",
              "to": "support@example.com",
              "body": "The box was crushed."
            },
            "chat_object": "{{absent}}",
            "workitem_object": "{{absent}}",
            "receivedDate": "{{regex:^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}[+-][0-9]{4}$}}",
            "uri": "{{it.uri}}",
            "path": "/interactions/{{it}}"
          }
        ]
      }
      """

  @B4.18
  Scenario: Another agent's list does not show it
    Given an email is routed to alice
    Then bob does not have it among his interactions

  @B1.1 @B4.3 @B4.19
  Scenario: Every agent and the admin see every active interaction, as non-parties
    Given an email is routed to alice
    When bob sends GET /api/v2/interactions
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "uris": ["{{contains}}", "{{it.uri}}"]}
      """
    When bob sends GET /api/v2/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interactions": ["{{contains}}", {"id": "{{it}}", "state": "Invited", "capabilities": [], "participants": [{"userName": "{{alice.userName}}", "role": "Invited"}]}]}
      """
    When admin sends GET /api/v2/interactions?fields=*
    Then the response matches:
      """
      {"statusCode": 0, "interactions": ["{{contains}}", {"id": "{{it}}", "state": "Invited", "capabilities": []}]}
      """
    When alice sends GET /api/v2/interactions?fields=*
    Then the response matches:
      """
      {"statusCode": 0, "interactions": ["{{contains}}", {"id": "{{it}}", "state": "Invited", "capabilities": ["{{contains}}", "Accept", "Reject"]}]}
      """

  @B1.1 @B4.3 @B4.19
  Scenario: An agent outside a conference and the admin list it as non-parties, with its owner and member
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    And alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capabilities UpdateProperties and EndConference
    And alice is notified that the participants are now alice as Owner and carol as Member
    When bob sends GET /api/v2/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interactions": ["{{contains}}", {"id": "{{it}}", "state": "Processing", "capabilities": [], "ownerId": "{{alice.id}}", "participants": [{"userId": "{{alice.id}}", "userName": "{{alice.userName}}", "role": "Owner"}, {"userId": "{{carol.id}}", "userName": "{{carol.userName}}", "role": "Member"}]}]}
      """
    When admin sends GET /api/v2/interactions?fields=*
    Then the response status is 200
    And the response matches:
      """
      {"statusCode": 0, "interactions": ["{{contains}}", {"id": "{{it}}", "state": "Processing", "capabilities": [], "ownerId": "{{alice.id}}", "participants": [{"userId": "{{alice.id}}", "userName": "{{alice.userName}}", "role": "Owner"}, {"userId": "{{carol.id}}", "userName": "{{carol.userName}}", "role": "Member"}]}]}
      """
    And bob does not have it among his interactions
    And carol has it among her interactions
    And no one else is notified

  @B4.18 @B4.19
  Scenario: Several interactions are all listed
    Given an email is routed to alice
    And the variable first is "{{it.uri}}"
    And a chat is routed to alice
    When alice sends GET /api/v2/me/interactions
    Then the response matches:
      """
      {"statusCode": 0, "uris": ["{{contains}}", "{{first}}", "{{it.uri}}"]}
      """
    When admin sends GET /api/v2/interactions
    Then the response matches:
      """
      {"statusCode": 0, "uris": ["{{contains}}", "{{first}}", "{{it.uri}}"]}
      """

  @B3.3 @B4.20
  Scenario: Reading one interaction
    Given a chat is routed to bob
    When bob sends GET /api/v2/interactions/{{it}}
    Then the response status is 200
    And the response matches:
      """
      {
        "statusCode": 0,
        "interaction": {
          "messageTypeName": "InteractionStateMessage",
          "id": "{{it}}",
          "channel": "chat",
          "state": "Invited",
          "capabilities": ["{{contains}}", "Accept", "Reject"],
          "chat_object": {"nickname": "Jane", "transcript": ["{{contains}}", {"from": {"nickname": "Jane", "type": "Client"}, "text": "Hello, my parcel never arrived."}]},
          "email_object": "{{absent}}",
          "uri": "{{it.uri}}",
          "path": "/interactions/{{it}}"
        }
      }
      """

  @B4.20
  Scenario: Reading an interaction that does not exist
    When alice sends GET /api/v2/interactions/0000000000000000
    Then the read is refused with status 404 and statusCode 6
    When admin sends GET /api/v2/interactions/no-such-interaction
    Then the read is refused with status 404 and statusCode 6

  @B4.2 @B4.3 @B4.6 @B4.19 @B4.20
  Scenario: A completed interaction stays readable but is no longer listed
    Given an email is routed to alice
    And alice accepts it
    And alice is notified that it is Processing
    When alice stops processing it
    Then alice is notified that it is Completed
    And alice sees it as Completed
    And admin sees it as Completed
    And alice no longer has it among her interactions
    And admin does not see it among the contact center's interactions

  @B4.18 @B4.19
  Scenario Outline: Any fields value but * is refused with statusCode 1 (<path>)
    When alice sends GET <path>
    Then the read is refused with status 400 and statusCode 1

    Examples:
      | path                                    |
      | /api/v2/me/interactions?fields=id,state |
      | /api/v2/interactions?fields=all         |
